// Reading merges: those into a record, and where an old id went.
import type { MergeSummary } from '$lib/domain/merge/merge';
import type { Tx } from '../../db';

/** Longest chain of merges an old id is followed through (a into b, b into c, ...). */
const MAX_HOPS = 20;

interface MergeRow {
	id: string;
	survivor_id: string;
	merged_ids: string[];
	merged_at: Date;
	merged_by: string | null;
	merged_by_name: string | null;
	undone_at: Date | null;
}

const summaryColumns = `m.id, m.survivor_id, m.merged_ids, m.merged_at, m.merged_by,
	u.name as merged_by_name, m.undone_at`;

export const toSummary = (row: MergeRow): MergeSummary => ({
	id: row.id,
	survivorId: row.survivor_id,
	mergedIds: row.merged_ids,
	mergedAt: row.merged_at.toISOString(),
	mergedBy: row.merged_by
		? { id: row.merged_by, name: row.merged_by_name ?? 'Former member' }
		: null,
	undoneAt: row.undone_at?.toISOString() ?? null
});

/** Merges into a record that still stand, newest first. */
export async function readMerges(
	tx: Tx,
	spaceId: string,
	survivorId: string
): Promise<MergeSummary[]> {
	const { rows } = await tx.query<MergeRow>(
		`select ${summaryColumns} from record_merges m left join users u on u.id = m.merged_by
		  where m.space_id = $1 and m.survivor_id = $2 and m.undone_at is null
		  order by m.merged_at desc limit 50`,
		[spaceId, survivorId]
	);
	return rows.map(toSummary);
}

/** One merge of a space, undone or not. */
export async function readMerge(
	tx: Tx,
	spaceId: string,
	mergeId: string
): Promise<MergeSummary | undefined> {
	const { rows } = await tx.query<MergeRow>(
		`select ${summaryColumns} from record_merges m left join users u on u.id = m.merged_by
		  where m.space_id = $1 and m.id = $2`,
		[spaceId, mergeId]
	);
	return rows[0] && toSummary(rows[0]);
}

/**
 * The standing merge that took `id` away, in whichever of the caller's spaces (RLS decides),
 * or undefined when no merge did.
 */
export async function findMergeOf(
	tx: Tx,
	id: string
): Promise<(MergeSummary & { spaceId: string }) | undefined> {
	const { rows } = await tx.query<MergeRow & { space_id: string }>(
		`select ${summaryColumns}, m.space_id from record_merges m left join users u on u.id = m.merged_by
		  where m.merged_ids @> array[$1::uuid] and m.undone_at is null
		  order by m.merged_at desc limit 1`,
		[id]
	);
	return rows[0] && { ...toSummary(rows[0]), spaceId: rows[0].space_id };
}

/**
 * Where an old id lives now: the survivor at the end of its chain of merges, or undefined
 * when the id was never merged away. Stops at a survivor that was itself deleted later.
 */
export async function resolveMergedId(
	tx: Tx,
	id: string
): Promise<{ survivorId: string; spaceId: string; mergedInto: string } | undefined> {
	let merge = await findMergeOf(tx, id);
	if (!merge) return undefined;
	const mergedInto = merge.survivorId;
	for (let hop = 0; hop < MAX_HOPS; hop++) {
		const next = await findMergeOf(tx, merge.survivorId);
		if (!next) break;
		merge = next;
	}
	return { survivorId: merge.survivorId, spaceId: merge.spaceId, mergedInto };
}
