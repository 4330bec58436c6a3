// Live edits: a record's Yjs doc opened for a caller, and Yjs updates from a caller made
// durable through the one write path. The engine calls these; it never touches tables itself.
import * as Y from 'yjs';
import type { CellValue } from '$lib/domain/attributes/kind';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import { realtimeCodeOf, type RealtimeError } from '$lib/domain/realtime/errors';
import {
	applyAndCollect,
	fieldsOf,
	Origin,
	readField,
	readFields,
	writeFields
} from '$lib/domain/realtime/ydoc';
import type { Actor } from '../../auth/actor';
import type { RecordChange } from '../../changes';
import type { AppContext } from '../../context';
import { inSpace } from '../scope';
import { withActor, type Tx } from '../../db';
import {
	findEntityType,
	loadEntityTypes,
	resolveSpace,
	type EntityTypeDef,
	type SpaceAccess
} from '../schema';
import { readOrInitDocState, textKeysOf } from './docs';
import { normalizeValues, writeRecords } from './write';

export interface OpenedDoc {
	spaceId: string;
	type: EntityTypeDef;
	role: SpaceAccess['role'];
	state: Uint8Array;
}

const notFound = (id: string) =>
	new AppError(AppErrorCode.NotFound, `Record ${id} not found`, { field: 'doc' });

async function spaceOfRecord(tx: Tx, id: string) {
	const { rows } = await tx.query<{ space_id: string; entity_type_id: string }>(
		'select space_id, entity_type_id from entities where id = $1',
		[id]
	);
	return rows[0];
}

/**
 * A record's doc as the caller may read it. Check-in members get no docs: a doc holds every
 * field, and they may see only a few.
 */
export function openRecordDoc(options: {
	context: AppContext;
	actor: Actor;
	id: string;
}): Promise<OpenedDoc> {
	const { context, actor, id } = options;
	return withActor(context.db.runtime, actor, async (tx) => {
		const home = await spaceOfRecord(tx, id);
		if (!home) throw notFound(id);
		const space = await resolveSpace(tx, home.space_id);
		if (space.role === 'checkin') {
			throw new AppError(AppErrorCode.Forbidden, 'Check-in members cannot open whole records', {
				field: 'doc'
			});
		}
		const types = await loadEntityTypes({ tx, space, cache: context.kv.cache });
		const opened = await readOrInitDocState(tx, id, (typeId) =>
			types.find((type) => type.id === typeId)
		);
		if (!opened) throw notFound(id);
		return { spaceId: opened.spaceId, type: opened.type, role: space.role, state: opened.state };
	});
}

export interface AppliedUpdate {
	/** The record's change as stored, for broadcast; `update` holds every op to pass on. */
	change: RecordChange;
	/** Fields whose new value was refused and put back. */
	rejected: RealtimeError[];
	/** The ops the server made to put refused or unnormalized values right, if any. */
	correction: Uint8Array | null;
}

function asRealtimeError(error: AppError, id: string, field: string): RealtimeError {
	return { code: realtimeCodeOf(error.code), message: error.message, field, doc: id };
}

/**
 * Makes a caller's Yjs updates to one record durable: merges them into the stored doc under
 * the record's lock, checks each changed field by kind and role, writes the accepted values
 * through the write path (EAV rows and audit), and puts refused fields back with a server op.
 * The values written are read from the merged doc, so whichever process commits last writes
 * what every doc converges to.
 */
export async function applyRecordUpdates(options: {
	context: AppContext;
	actor: Actor;
	id: string;
	updates: Uint8Array[];
	/** The record's space when the caller already knows it (saves a round trip). */
	spaceId?: string;
}): Promise<AppliedUpdate> {
	const { context, actor, id, updates } = options;
	const spaceId =
		options.spaceId ??
		(await withActor(context.db.runtime, actor, (tx) => spaceOfRecord(tx, id)))?.space_id;
	if (!spaceId) throw notFound(id);
	return inSpace(context, actor, spaceId, async ({ tx, space, types }) => {
		if (space.role === 'viewer' || space.role === 'checkin') {
			throw new AppError(AppErrorCode.Forbidden, `Your role (${space.role}) may not edit here`, {
				field: 'doc'
			});
		}
		// Writers of one record queue here, in every process, in the order REST writes take.
		const locked = await tx.query<{ entity_type_id: string }>(
			'select entity_type_id from entities where id = $1 and space_id = $2 for no key update',
			[id, space.id]
		);
		const type = types.find((candidate) => candidate.id === locked.rows[0]?.entity_type_id);
		if (!type) throw notFound(id);
		const opened = await readOrInitDocState(tx, id, () => type);
		if (!opened) throw notFound(id);

		const doc = new Y.Doc();
		Y.applyUpdate(doc, opened.state, Origin.Storage);
		const before = readFields(doc);
		const beforeVector = Y.encodeStateVector(doc);
		const touched = new Set<string>();
		for (const update of updates) {
			for (const key of applyAndCollect(doc, update, actor.userId)) touched.add(key);
		}
		const incomingVector = Y.encodeStateVector(doc);

		const rejected: RealtimeError[] = [];
		const accepted: Record<string, CellValue> = {};
		for (const key of touched) {
			try {
				const [normal] = normalizeValues(
					{ type, space },
					{ [key]: readField(doc, key) },
					undefined
				);
				accepted[key] = normal ? normal.value : null;
			} catch (error) {
				if (!(error instanceof AppError)) throw error;
				rejected.push(asRealtimeError(error, id, key));
			}
		}

		// A unique clash or a missing link target shows only in the database, after some rows
		// were written: put that field back, undo to the savepoint, and try the rest. Other
		// fields cannot fail there, so they skip the savepoint's two round trips.
		const mayFailLate = (key: string) => {
			const attribute = type.attributes.find((candidate) => candidate.key === key);
			return Boolean(attribute && (attribute.isUnique || attribute.kind === 'relation'));
		};
		let result: Awaited<ReturnType<typeof writeRecords>> | null = null;
		while (Object.keys(accepted).length) {
			const guarded = Object.keys(accepted).some(mayFailLate);
			if (!guarded) {
				result = await writeRecords({
					tx,
					actor,
					space,
					type,
					types,
					updates: [{ id, values: accepted }],
					syncDocs: false,
					returnUpdated: false
				});
				break;
			}
			await tx.query('savepoint record_update');
			try {
				result = await writeRecords({
					tx,
					actor,
					space,
					type,
					types,
					updates: [{ id, values: accepted }],
					syncDocs: false,
					returnUpdated: false
				});
				await tx.query('release savepoint record_update');
				break;
			} catch (error) {
				await tx.query('rollback to savepoint record_update');
				const field = error instanceof AppError ? error.field : undefined;
				if (!field || !(field in accepted)) throw error;
				rejected.push(asRealtimeError(error as AppError, id, field));
				delete accepted[field];
			}
		}

		// Server ops: refused fields go back to what they were; accepted ones take their
		// normal form (trimmed text, a number from "42").
		const corrections: Record<string, CellValue> = {};
		for (const error of rejected) corrections[error.field!] = before[error.field!] ?? null;
		for (const [key, value] of Object.entries(accepted)) corrections[key] = value;
		// Deletions make no new structs, so the state vector cannot tell: collect the ops.
		const serverOps: Uint8Array[] = [];
		const collect = (update: Uint8Array) => serverOps.push(update);
		doc.on('update', collect);
		const fields = fieldsOf(doc);
		doc.transact(() => {
			for (const error of rejected) {
				if (!(error.field! in before)) fields.delete(error.field!);
			}
		}, Origin.Server);
		writeFields(
			doc,
			Object.fromEntries(
				Object.entries(corrections).filter(([key]) => key in before || key in accepted)
			),
			textKeysOf(type),
			Origin.Server
		);
		doc.off('update', collect);
		const correction = serverOps.length ? Y.mergeUpdates(serverOps) : null;

		const incomingAdded = !sameBytes(beforeVector, incomingVector);
		if (incomingAdded || correction || updates.some(hasDeletions)) {
			await tx.query('update record_docs set state = $2, updated_at = now() where entity_id = $1', [
				id,
				Buffer.from(Y.encodeStateAsUpdate(doc))
			]);
		}
		const stored = result?.changes[0];
		const change: RecordChange = stored ?? {
			spaceId: space.id,
			entityTypeId: type.id,
			entityTypeKey: type.key,
			entityId: id,
			action: 'update',
			values: {},
			actorId: actor.userId,
			via: actor.via,
			at: new Date().toISOString()
		};
		change.update = Y.mergeUpdates(correction ? [...updates, correction] : updates);
		doc.destroy();
		return { change, rejected, correction };
	});
}

const hasDeletions = (update: Uint8Array) => Y.decodeUpdate(update).ds.clients.size > 0;

const sameBytes = (a: Uint8Array, b: Uint8Array) =>
	a.byteLength === b.byteLength && a.every((byte, index) => byte === b[index]);

export interface OpenedSheet {
	spaceId: string;
	type: EntityTypeDef;
	role: SpaceAccess['role'];
}

/** A sheet (entity type) the caller may see, with the fields their role may read. */
export function openSheet(options: {
	context: AppContext;
	actor: Actor;
	space: string;
	type: string;
}): Promise<OpenedSheet> {
	const { context, actor } = options;
	return inSpace(context, actor, options.space, async ({ space, types }) => {
		const type = findEntityType(types, options.type);
		return { spaceId: space.id, type, role: space.role };
	});
}
