// The Yjs state stored beside a record's EAV rows (record_docs). It is made once from the
// values, under a lock that keeps writers out while they are read, and afterwards only merged
// into: by the realtime engine for socket edits, and by the write path for every other edit,
// so a doc never disagrees with its rows.
import * as Y from 'yjs';
import { kindOf } from '$lib/domain/attributes';
import type { CellValue } from '$lib/domain/attributes/kind';
import { Origin, writeFields } from '$lib/domain/realtime/ydoc';
import type { Tx } from '../../db';
import type { EntityTypeDef } from '../schema';
import { loadRecords, type FlatRecord } from './read';

/** Attributes whose values live in the doc: stored ones (computed kinds are not editable). */
export const docAttributes = (type: EntityTypeDef) =>
	type.attributes.filter((attribute) => kindOf(attribute.kind).storage);

export const textKeysOf = (type: EntityTypeDef): Set<string> =>
	new Set(
		type.attributes
			.filter((attribute) => attribute.kind === 'long_text')
			.map((attribute) => attribute.key)
	);

function docValues(type: EntityTypeDef, record: FlatRecord): Record<string, CellValue> {
	const values: Record<string, CellValue> = {};
	for (const attribute of docAttributes(type))
		values[attribute.key] = record[attribute.key] ?? null;
	return values;
}

/** A fresh doc state holding a record's values. */
export function buildDocState(type: EntityTypeDef, record: FlatRecord): Uint8Array {
	const doc = new Y.Doc();
	writeFields(doc, docValues(type, record), textKeysOf(type));
	const state = Y.encodeStateAsUpdate(doc);
	doc.destroy();
	return state;
}

/**
 * The stored state of a record the caller can read, made from its values when it has none.
 * Returns null when the caller cannot see the record.
 */
export async function readOrInitDocState(
	tx: Tx,
	id: string,
	typeOf: (typeId: string) => EntityTypeDef | undefined
): Promise<{ spaceId: string; type: EntityTypeDef; state: Uint8Array } | null> {
	const { rows } = await tx.query<{
		space_id: string;
		entity_type_id: string;
		state: Buffer | null;
	}>('select space_id, entity_type_id, state from app_lock_record_doc($1)', [id]);
	const row = rows[0];
	const type = row && typeOf(row.entity_type_id);
	if (!row || !type) return null;
	if (row.state) return { spaceId: row.space_id, type, state: new Uint8Array(row.state) };
	const [record] = await loadRecords({ tx, spaceId: row.space_id, type, ids: [id] });
	if (!record) return null;
	const stored = await tx.query<{ state: Buffer }>('select app_init_record_doc($1, $2) as state', [
		id,
		Buffer.from(buildDocState(type, record))
	]);
	return { spaceId: row.space_id, type, state: new Uint8Array(stored.rows[0]!.state) };
}

/**
 * Brings the stored docs of updated records up to their new values (REST, import, check-in
 * edits), in the writer's transaction. Records without a stored doc need nothing: theirs will
 * be built from the rows. Returns each record's Yjs update, for live clients.
 */
export async function syncDocsToValues(
	tx: Tx,
	spaceId: string,
	type: EntityTypeDef,
	changed: Map<string, Record<string, CellValue>>
): Promise<Map<string, Uint8Array>> {
	const updates = new Map<string, Uint8Array>();
	if (changed.size === 0) return updates;
	const { rows } = await tx.query<{ entity_id: string; state: Buffer }>(
		`select entity_id, state from record_docs
		  where space_id = $1 and entity_id = any ($2::uuid[]) order by entity_id for update`,
		[spaceId, [...changed.keys()]]
	);
	if (!rows.length) return updates;
	const textKeys = textKeysOf(type);
	const states: Buffer[] = [];
	for (const row of rows) {
		const doc = new Y.Doc();
		Y.applyUpdate(doc, row.state, Origin.Storage);
		// Collect the ops themselves: a text that only got shorter adds no structs, so the
		// state vector would not show the change.
		const ops: Uint8Array[] = [];
		const collect = (update: Uint8Array) => ops.push(update);
		doc.on('update', collect);
		writeFields(doc, changed.get(row.entity_id)!, textKeys, Origin.Server);
		doc.off('update', collect);
		if (ops.length) {
			updates.set(row.entity_id, Y.mergeUpdates(ops));
			states.push(Buffer.from(Y.encodeStateAsUpdate(doc)));
		}
		doc.destroy();
	}
	if (!updates.size) return updates;
	await tx.query(
		`update record_docs d set state = u.state, updated_at = now()
		   from unnest($1::uuid[], $2::bytea[]) as u (entity_id, state)
		  where d.entity_id = u.entity_id and d.space_id = $3`,
		[[...updates.keys()], states, spaceId]
	);
	return updates;
}
