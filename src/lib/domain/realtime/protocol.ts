// The socket.io wire protocol between browser (or any socket.io-client) and the realtime
// engine. Binary payloads are Uint8Array on the way out and arrive as Buffer (a Uint8Array) in
// Node. Every request that changes data takes an acknowledgement callback; an `ok: true` ack
// on `doc:update` means the edit is durable in Postgres.
//
// Handshake: `io(origin, { auth: { token } })` with an API token, or the Auth.js session
// cookie that the browser sends on its own. A refused handshake fails with `connect_error`
// whose `message` is a RealtimeErrorCode ('unauthorized').
//
// Rooms: a socket that joins a sheet (an entity type in a space) receives `changes` for every
// record of it; a socket that syncs a record receives that record's changes even without the
// sheet.
import type { RecordChange } from '../record-change';
import type { RealtimeError } from './errors';

/** Largest Yjs update or awareness message accepted, in bytes. */
export const MAX_UPDATE_BYTES = 1_000_000;
/**
 * Largest a record's stored doc may grow to, in bytes (its values, long texts and their
 * history). An update that would pass it is refused with too_large.
 */
export const MAX_DOC_BYTES = 2_000_000;
/** Engine.io drops (and disconnects) anything larger than this before we can answer. */
export const MAX_FRAME_BYTES = 4_000_000;
/** A socket may send this many messages per second on average, with bursts up to the burst. */
export const MESSAGES_PER_SECOND = 200;
export const MESSAGE_BURST = 400;

export type Ack<T> = ({ ok: true } & T) | { ok: false; error: RealtimeError };

export interface SheetJoin {
	/** Space id or slug. */
	space: string;
	/** Entity type id or key. */
	type: string;
}

export interface SheetInfo {
	spaceId: string;
	typeId: string;
	typeKey: string;
	role: 'owner' | 'editor' | 'viewer' | 'checkin';
}

export interface DocSync {
	/** The record id. */
	doc: string;
	/** The client's state vector (Y.encodeStateVector); omitted means "send everything". */
	sv?: Uint8Array;
}

export interface DocSyncReply {
	/** What the client lacks: Y.encodeStateAsUpdate(serverDoc, sv). */
	update: Uint8Array;
	/** The server's state vector, so the client can send what the server lacks. */
	sv: Uint8Array;
}

export interface DocUpdate {
	doc: string;
	update: Uint8Array;
}

export interface DocUpdateReply {
	/** Fields whose new value was refused; a correcting update follows in `changes`. */
	rejected: RealtimeError[];
}

/**
 * One record's change as every member of its sheet receives it: the committed `RecordChange`
 * in the wire's own (shorter, published) names, without `via` and the space.
 */
export interface SheetChange {
	/** Entity type id. */
	sheet: RecordChange['entityTypeId'];
	/** Record id. */
	id: RecordChange['entityId'];
	action: RecordChange['action'];
	/** Changed values by attribute key, in their normal form (all values for a create). */
	values: RecordChange['values'];
	/** The Yjs update that made the change, for clients that hold the record's doc. */
	update?: RecordChange['update'];
	/** Values the edit set that lost to a concurrent one; only beside `update`. */
	lost?: RecordChange['lost'];
	/** Who made it (user id), and when (ISO 8601). */
	by: RecordChange['actorId'];
	at: RecordChange['at'];
	/** On a delete: the record it was merged into. */
	mergedInto?: RecordChange['mergedInto'];
	/** On a move: the record's new place, or null when other records' places changed too. */
	position?: RecordChange['position'];
}

/**
 * `changes` on the wire: socket.io clients refuse a packet with more than 10 binary
 * attachments, so a batch carries its Yjs updates packed into one buffer, each change naming
 * its slice. Use packChanges/unpackChanges.
 */
export interface SheetChangeBatch {
	changes: (Omit<SheetChange, 'update'> & { u?: [offset: number, length: number] })[];
	bytes?: Uint8Array;
}

export function packChanges(changes: SheetChange[]): SheetChangeBatch {
	let size = 0;
	for (const change of changes) size += change.update?.byteLength ?? 0;
	if (size === 0) return { changes: changes.map(({ update: _update, ...rest }) => rest) };
	const bytes = new Uint8Array(size);
	let offset = 0;
	const packed = changes.map(({ update, ...rest }) => {
		if (!update) return rest;
		bytes.set(update, offset);
		const slice: [number, number] = [offset, update.byteLength];
		offset += update.byteLength;
		return { ...rest, u: slice };
	});
	return { changes: packed, bytes };
}

export function unpackChanges(batch: SheetChangeBatch): SheetChange[] {
	const bytes = batch.bytes ? new Uint8Array(batch.bytes) : null;
	return batch.changes.map(({ u, ...rest }) =>
		u && bytes ? { ...rest, update: bytes.subarray(u[0], u[0] + u[1]) } : rest
	);
}

export interface AwarenessMessage {
	/** Entity type id of the sheet the awareness belongs to. */
	sheet: string;
	/** y-protocols awareness update bytes. */
	update: Uint8Array;
}

/** What a client puts in its awareness state (y-protocols `setLocalState`). */
export interface PresenceState {
	user: { id: string; name: string; color: string };
	/** Entity type id of the sheet the user is looking at. */
	sheet: string;
	/** The selected cell, if any. */
	cell?: { record: string; field: string } | null;
	/** The cell being edited, if any. */
	editing?: { record: string; field: string } | null;
}

export interface ClientToServerEvents {
	'sheet:join': (join: SheetJoin, ack: (reply: Ack<{ sheet: SheetInfo }>) => void) => void;
	'sheet:leave': (sheet: string) => void;
	'doc:sync': (sync: DocSync, ack: (reply: Ack<DocSyncReply>) => void) => void;
	'doc:update': (update: DocUpdate, ack: (reply: Ack<DocUpdateReply>) => void) => void;
	'doc:leave': (doc: string) => void;
	awareness: (message: AwarenessMessage) => void;
}

export interface ServerToClientEvents {
	/** Changes made anywhere (socket, y-websocket, REST, import, check-in), batched per tick. */
	changes: (batch: SheetChangeBatch) => void;
	awareness: (message: AwarenessMessage) => void;
	/** A refusal that has no ack to travel in: rate limits, oversized frames, bad events. */
	problem: (error: RealtimeError) => void;
}

export const sheetRoom = (typeId: string) => `sheet:${typeId}`;
export const docRoom = (entityId: string) => `doc:${entityId}`;
