// Candidate pairs as stored: what scans and writes found, what reviewers decided, and what the
// merge service (the other half of issue 10) marks merged. A pair a reviewer decided is never
// reopened or rescored by a later scan.
import { AppError, AppErrorCode } from '$lib/domain/errors';
import { isUuid } from '$lib/domain/ids';
import {
	clusterPairs,
	orderedPair,
	type DuplicateQueue,
	type FoundPair,
	type QueuePair,
	type RecordDuplicate
} from '$lib/domain/matching';
import type { Actor } from '../../auth/actor';
import type { AppContext } from '../../context';
import type { Tx } from '../../db';
import { loadRecords } from '../records/read';
import { findEntityType } from '../schema';
import { inSpace } from '../scope';
import { parseInput } from '../validate';
import { z } from 'zod';
import { requireReviewer } from './access';

const SAVE_BATCH = 5_000;

/**
 * Stores pairs a scan or a write found: new ones open, open ones rescored. Decided pairs stay as
 * they are. Returns how many rows it wrote.
 */
export async function savePairs(
	tx: Tx,
	options: { spaceId: string; typeId: string; pairs: FoundPair[] }
): Promise<number> {
	let written = 0;
	for (let start = 0; start < options.pairs.length; start += SAVE_BATCH) {
		const batch = options.pairs.slice(start, start + SAVE_BATCH).map((pair) => {
			const [a, b] = orderedPair(pair.recordA, pair.recordB);
			return { ...pair, recordA: a, recordB: b };
		});
		const result = await tx.query(
			`insert into match_pairs (space_id, entity_type_id, record_a, record_b, score, reasons)
			 select $1, $2, t.a, t.b, t.s, t.r
			   from unnest($3::uuid[], $4::uuid[], $5::real[], $6::jsonb[]) as t (a, b, s, r)
			 on conflict (record_a, record_b) do update
			    set score = excluded.score, reasons = excluded.reasons, found_at = now()
			  where match_pairs.status = 'open'`,
			[
				options.spaceId,
				options.typeId,
				batch.map((pair) => pair.recordA),
				batch.map((pair) => pair.recordB),
				batch.map((pair) => pair.score),
				batch.map((pair) => JSON.stringify(pair.reasons))
			]
		);
		written += result.rowCount ?? 0;
	}
	return written;
}

/**
 * For the merge service, inside its own transaction: the records in `mergedIds` were merged
 * into `survivorId`, so every open pair that touches one of them leaves the queue as `merged`
 * (the pairs among the merged records, and those with third records that no longer exist on
 * their own). A pair already decided keeps its decision. Returns how many pairs it marked.
 */
export async function markPairsMerged(
	tx: Tx,
	survivorId: string,
	mergedIds: string[]
): Promise<number> {
	const ids = mergedIds.filter((id) => id !== survivorId);
	if (!ids.length) return 0;
	const result = await tx.query(
		`update match_pairs
		    set status = 'merged', decided_at = now(),
		        decided_by = nullif(current_setting('app.current_user_id', true), '')::uuid
		  where status = 'open' and (record_a = any ($1::uuid[]) or record_b = any ($1::uuid[]))`,
		[ids]
	);
	return result.rowCount ?? 0;
}

interface InType {
	context: AppContext;
	actor: Actor;
	space: string;
	type: string;
}

const decisionInput = z.object({
	ids: z
		.array(z.string().refine(isUuid, 'must be a record id'))
		.min(2, 'name at least two records')
		.max(50)
});

/**
 * "Not duplicates": every open pair among the records is remembered as such, and no scan or
 * write offers it again. Returns how many pairs it decided.
 */
export async function markNotDuplicates(
	options: InType & { input: unknown }
): Promise<{ decided: number }> {
	const { ids } = parseInput(decisionInput, options.input);
	return inSpace(options.context, options.actor, options.space, async ({ tx, space, types }) => {
		requireReviewer(space.role);
		const type = findEntityType(types, options.type);
		const result = await tx.query(
			`update match_pairs set status = 'not_duplicate', decided_by = $4, decided_at = now()
			  where space_id = $1 and entity_type_id = $2 and status = 'open'
			    and record_a = any ($3::uuid[]) and record_b = any ($3::uuid[])`,
			[space.id, type.id, ids, options.actor.userId]
		);
		if (!result.rowCount) {
			throw new AppError(
				AppErrorCode.Conflict,
				'These records have no open pair; the queue changed meanwhile',
				{
					field: 'ids'
				}
			);
		}
		return { decided: result.rowCount };
	});
}

const QUEUE_PAIRS = 500;

async function openPairs(
	tx: Tx,
	spaceId: string,
	typeId: string,
	recordId?: string
): Promise<QueuePair[]> {
	const { rows } = await tx.query<QueuePair & { foundAt: Date }>(
		`select record_a as "recordA", record_b as "recordB", score, reasons, found_at as "foundAt"
		   from match_pairs
		  where space_id = $1 and entity_type_id = $2 and status = 'open'
		    ${recordId ? 'and (record_a = $4 or record_b = $4)' : ''}
		  order by score desc, record_a, record_b
		  limit $3`,
		recordId ? [spaceId, typeId, QUEUE_PAIRS, recordId] : [spaceId, typeId, QUEUE_PAIRS]
	);
	return rows.map((row) => ({ ...row, foundAt: row.foundAt.toISOString() }));
}

/** The review queue of a type: the best QUEUE_PAIRS open pairs in clusters, with their records. */
export function getDuplicateQueue(options: InType): Promise<DuplicateQueue> {
	return inSpace(options.context, options.actor, options.space, async ({ tx, space, types }) => {
		requireReviewer(space.role);
		const type = findEntityType(types, options.type);
		const pairs = await openPairs(tx, space.id, type.id);
		const clusters = clusterPairs(pairs);
		const ids = clusters.flatMap((cluster) => cluster.ids);
		const loaded = await loadRecords({ tx, spaceId: space.id, type, ids });
		const { rows } = await tx.query<{ count: number }>(
			`select count(*)::int as count from match_pairs
			  where space_id = $1 and entity_type_id = $2 and status = 'open'`,
			[space.id, type.id]
		);
		return {
			clusters,
			records: Object.fromEntries(loaded.map((record) => [record.id, record])),
			openPairs: rows[0]!.count
		};
	});
}

/** The open pairs of one record, for the banner on its page. Empty for a record without any. */
export function getRecordDuplicates(options: InType & { id: string }): Promise<RecordDuplicate[]> {
	return inSpace(options.context, options.actor, options.space, async ({ tx, space, types }) => {
		requireReviewer(space.role);
		const type = findEntityType(types, options.type);
		if (!isUuid(options.id)) {
			throw new AppError(AppErrorCode.NotFound, `Record ${options.id} not found`, { field: 'id' });
		}
		const pairs = await openPairs(tx, space.id, type.id, options.id);
		const others = pairs.map((pair) => (pair.recordA === options.id ? pair.recordB : pair.recordA));
		const scores = new Map(others.map((id, index) => [id, pairs[index]!.score]));
		const records = await loadRecords({ tx, spaceId: space.id, type, ids: others });
		return records.map((record) => ({ record, score: scores.get(record.id)! }));
	});
}
