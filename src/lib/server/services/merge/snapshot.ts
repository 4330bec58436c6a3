// What a merge keeps so that its undo restores the records, their values and their links
// exactly, and the audit rows a merge and an undo leave.
import type { CellValue } from '$lib/domain/attributes/kind';
import type { Actor } from '../../auth/actor';
import type { Tx } from '../../db';
import type { FlatRecord } from '../records/read';

/** A merged-away record's row in `entities`, as it was. */
export interface EntitySnapshot {
	id: string;
	seq: number;
	position: number;
	createdAt: string;
	createdBy: string | null;
	updatedAt: string;
	updatedBy: string | null;
}

export interface MergeSnapshot {
	records: (EntitySnapshot & { values: Record<string, CellValue> })[];
	/** The survivor's values before the merge, by field key. */
	survivorBefore: Record<string, CellValue>;
	/** Each link field (outside the merge) that named a merged-away record, as it was. */
	links: { entityId: string; typeId: string; key: string; before: string[] }[];
	comments: { id: string; entityId: string }[];
	scans: { nonce: string; entityId: string }[];
}

export function valuesOf(record: FlatRecord): Record<string, CellValue> {
	const { id: _id, type: _type, ...values } = record;
	return values;
}

/**
 * One audit row on the survivor and one on each merged-away record, naming the merge; the
 * value changes themselves are audited by the write path beside them (via `merge`).
 */
export async function auditMerge(
	tx: Tx,
	event: {
		spaceId: string;
		typeId: string;
		actor: Actor;
		action: 'merge' | 'unmerge';
		survivorId: string;
		mergedIds: string[];
		mergeId: string;
	}
): Promise<void> {
	const { survivorId, mergedIds, mergeId } = event;
	const rows = [
		{ entityId: survivorId, value: { mergeId, mergedIds } },
		...mergedIds.map((id) => ({ entityId: id, value: { mergeId, mergedInto: survivorId } }))
	];
	await tx.query(
		`insert into audit_log (space_id, entity_type_id, entity_id, actor_id, via, action, new_value)
		 select $1, $2, entity_id, $3, 'merge', $4, new_value
		   from unnest($5::uuid[], $6::jsonb[]) as a (entity_id, new_value)`,
		[
			event.spaceId,
			event.typeId,
			event.actor.userId,
			event.action,
			rows.map((row) => row.entityId),
			rows.map((row) => JSON.stringify(row.value))
		]
	);
}
