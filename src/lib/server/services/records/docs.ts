// The Yjs state stored beside a record's EAV rows: a base state (record_docs) and the updates
// appended since (record_updates). The base is made once from the values, under a lock that
// keeps writers out while they are read. Afterwards live edits append their updates in batches,
// the write path (REST, import, check-in) merges its own into the base, and compaction folds
// the appended updates into the base now and then. A doc never disagrees with its rows.
import * as Y from 'yjs';
import type { EntityType } from '$lib/domain/schema';
import { kindOf } from '$lib/domain/attributes';
import type { CellValue } from '$lib/domain/attributes/kind';
import { Origin, writeFields } from '$lib/domain/realtime/ydoc';
import type { Tx } from '../../db';
import { loadRecords, type FlatRecord } from './read';

/** Attributes whose values live in the doc: stored ones (computed kinds are not editable). */
export const docAttributes = (type: EntityType) =>
	type.attributes.filter((attribute) => kindOf(attribute.kind).storage);

export const textKeysOf = (type: EntityType): Set<string> =>
	new Set(
		type.attributes
			.filter((attribute) => attribute.kind === 'long_text')
			.map((attribute) => attribute.key)
	);

function docValues(type: EntityType, record: FlatRecord): Record<string, CellValue> {
	const values: Record<string, CellValue> = {};
	for (const attribute of docAttributes(type))
		values[attribute.key] = record[attribute.key] ?? null;
	return values;
}

/** A fresh doc state holding a record's values. */
export function buildDocState(type: EntityType, record: FlatRecord): Uint8Array {
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
	typeOf: (typeId: string) => EntityType | undefined
): Promise<{ spaceId: string; type: EntityType; state: Uint8Array } | null> {
	const { rows } = await tx.query<{
		space_id: string;
		entity_type_id: string;
		state: Buffer | null;
		updates: Buffer[];
	}>('select space_id, entity_type_id, state, updates from app_lock_record_doc($1)', [id]);
	const row = rows[0];
	const type = row && typeOf(row.entity_type_id);
	if (!row || !type) return null;
	if (row.state) {
		const state = row.updates.length
			? Y.mergeUpdates([row.state, ...row.updates].map((bytes) => new Uint8Array(bytes)))
			: new Uint8Array(row.state);
		return { spaceId: row.space_id, type, state };
	}
	const [record] = await loadRecords({ tx, spaceId: row.space_id, type, ids: [id] });
	if (!record) return null;
	const stored = await tx.query<{ state: Buffer }>('select app_init_record_doc($1, $2) as state', [
		id,
		Buffer.from(buildDocState(type, record))
	]);
	return { spaceId: row.space_id, type, state: new Uint8Array(stored.rows[0]!.state) };
}

interface LockedDoc {
	doc: Y.Doc;
	/**
	 * The appended updates folded into `doc`, by id: compaction deletes exactly these. Not "all
	 * up to the last id read": ids are taken at insert, not at commit, so a lower id may commit
	 * after this read and must stay.
	 */
	folded: number[];
}

/**
 * The stored docs of these records, base and appended updates merged, locked against other
 * compactions and write-path writers (FOR UPDATE on the base). Live edits only append, so they
 * are never blocked; what they append meanwhile stays for the next compaction.
 */
async function lockDocs(tx: Tx, spaceId: string, ids: string[]): Promise<Map<string, LockedDoc>> {
	const docs = new Map<string, LockedDoc>();
	if (!ids.length) return docs;
	const { rows } = await tx.query<{ entity_id: string; state: Buffer }>(
		`select entity_id, state from record_docs
		  where space_id = $1 and entity_id = any ($2::uuid[]) order by entity_id for update`,
		[spaceId, ids]
	);
	if (!rows.length) return docs;
	const appended = await tx.query<{ entity_id: string; id: number; update: Buffer }>(
		`select entity_id, id, "update" from record_updates
		  where space_id = $1 and entity_id = any ($2::uuid[]) order by id`,
		[spaceId, rows.map((row) => row.entity_id)]
	);
	for (const row of rows) {
		const doc = new Y.Doc();
		Y.applyUpdate(doc, row.state, Origin.Storage);
		docs.set(row.entity_id, { doc, folded: [] });
	}
	for (const row of appended.rows) {
		const locked = docs.get(row.entity_id)!;
		Y.applyUpdate(locked.doc, row.update, Origin.Storage);
		locked.folded.push(row.id);
	}
	return docs;
}

/** Writes the docs back as their new base and deletes the appended updates folded into them. */
async function storeDocs(tx: Tx, spaceId: string, docs: Map<string, LockedDoc>): Promise<void> {
	if (!docs.size) return;
	const ids = [...docs.keys()];
	await tx.query(
		`update record_docs d set state = u.state, updated_at = now()
		   from unnest($1::uuid[], $2::bytea[]) as u (entity_id, state)
		  where d.entity_id = u.entity_id and d.space_id = $3`,
		[ids, ids.map((id) => Buffer.from(Y.encodeStateAsUpdate(docs.get(id)!.doc))), spaceId]
	);
	const folded = ids.flatMap((id) => docs.get(id)!.folded);
	if (folded.length) {
		await tx.query('delete from record_updates where space_id = $1 and id = any ($2::bigint[])', [
			spaceId,
			folded
		]);
	}
}

/**
 * Folds the updates appended to these records' docs into their base states, as a writer of the
 * space (the caller's transaction).
 */
export async function compactDocs(tx: Tx, spaceId: string, ids: string[]): Promise<void> {
	const docs = await lockDocs(tx, spaceId, ids);
	await storeDocs(tx, spaceId, docs);
	for (const { doc } of docs.values()) doc.destroy();
}

/**
 * Brings the stored docs of updated records up to their new values (REST, import, check-in
 * edits), in the writer's transaction, folding in what live edits appended. Records without a
 * stored doc need nothing: theirs will be built from the rows. Returns each record's Yjs update,
 * for live clients.
 */
export async function syncDocsToValues(
	tx: Tx,
	spaceId: string,
	type: EntityType,
	changed: Map<string, Record<string, CellValue>>
): Promise<Map<string, Uint8Array>> {
	const updates = new Map<string, Uint8Array>();
	if (changed.size === 0) return updates;
	const docs = await lockDocs(tx, spaceId, [...changed.keys()]);
	if (!docs.size) return updates;
	const textKeys = textKeysOf(type);
	const touched = new Map<string, LockedDoc>();
	for (const [id, locked] of docs) {
		// Collect the ops themselves: a text that only got shorter adds no structs, so the
		// state vector would not show the change.
		const ops: Uint8Array[] = [];
		const collect = (update: Uint8Array) => ops.push(update);
		locked.doc.on('update', collect);
		writeFields(locked.doc, changed.get(id)!, textKeys, Origin.Server);
		locked.doc.off('update', collect);
		if (ops.length) {
			updates.set(id, Y.mergeUpdates(ops));
			touched.set(id, locked);
		}
	}
	await storeDocs(tx, spaceId, touched);
	for (const { doc } of docs.values()) doc.destroy();
	return updates;
}
