// The collaboration engine: a registry of loaded record docs (one Y.Doc per record), the
// serial path every incoming update takes (role check and validation in an RLS transaction as
// the sender, durable write, ack, broadcast), and the hooks its extensions plug into.
// Transports (socket.io, y-websocket) only translate their wire format into these calls.
import * as Y from 'yjs';
import type { CellValue } from '$lib/domain/attributes/kind';
import { AppError } from '$lib/domain/errors';
import { RealtimeErrorCode, realtimeCodeOf, type RealtimeError } from '$lib/domain/realtime/errors';
import { MAX_UPDATE_BYTES } from '$lib/domain/realtime/protocol';
import { applyAndCollect, isWellFormedUpdate, Origin, readFields } from '$lib/domain/realtime/ydoc';
import type { Actor } from '$lib/server/auth/actor';
import type { RecordChange } from '$lib/server/changes';
import type { AppliedUpdate, OpenedDoc } from '$lib/server/services/records/collab';
import type { Credentials } from './auth';

/** One client of the engine: a socket, a y-websocket connection. */
export interface Connection {
	id: string;
	actor: Actor;
}

/** A refusal on its way to a client: carries the realtime error it is sent as. */
export class RealtimeFailure extends Error {
	constructor(readonly detail: RealtimeError) {
		super(detail.message);
	}
}

export function failure(
	code: RealtimeErrorCode,
	message: string,
	extra: Partial<RealtimeError> = {}
): RealtimeFailure {
	return new RealtimeFailure({ code, message, ...extra });
}

/** Any thrown value as the realtime error a client is sent. */
export function toRealtimeError(error: unknown, doc?: string): RealtimeError {
	if (error instanceof RealtimeFailure) return error.detail;
	if (error instanceof AppError) {
		return { code: realtimeCodeOf(error.code), message: error.message, field: error.field, doc };
	}
	return {
		code: RealtimeErrorCode.Unavailable,
		message: 'The edit could not be saved right now; it will be sent again',
		doc
	};
}

/**
 * The engine's hooks, in the order an edit meets them. The Postgres persistence implements
 * the first three; onChange hands the durable change to the fan-out (socket rooms, Redis,
 * y-websocket listeners).
 */
export interface EngineHooks {
	/** Who is connecting: an API token or a session cookie, turned into an actor or refused. */
	onAuthenticate(credentials: Credentials): Promise<Actor>;
	/** A record's doc as `actor` may read it (an RLS transaction as them). */
	onLoadDocument(actor: Actor, id: string): Promise<OpenedDoc>;
	/** Checks role and values and makes updates durable, as `actor`, in one transaction. */
	onStoreDocument(actor: Actor, id: string, updates: Uint8Array[]): Promise<AppliedUpdate>;
	/** A durable change, after the sender's ack: broadcast it. */
	onChange(change: RecordChange): void;
}

export interface LiveDoc {
	id: string;
	spaceId: string;
	typeId: string;
	typeKey: string;
	doc: Y.Doc;
	/** Connection ids that hold this doc open. */
	holders: Map<string, Actor>;
	lastUsed: number;
}

interface Pending {
	actor: Actor;
	update: Uint8Array;
	resolve: (rejected: RealtimeError[]) => void;
	reject: (error: unknown) => void;
}

export type DocListener = (id: string, update: Uint8Array, origin: unknown) => void;

const IDLE_EVICT_MS = 60_000;
/** Updates from one sender to one doc that queue while a write is running go in one write. */
const MAX_BATCH = 100;

export class Engine {
	readonly docs = new Map<string, LiveDoc>();
	private readonly loading = new Map<string, Promise<LiveDoc>>();
	private readonly queues = new Map<string, Pending[]>();
	private readonly running = new Set<string>();
	private readonly listeners = new Map<string, Set<DocListener>>();
	private readonly sweeper: NodeJS.Timeout;

	constructor(private readonly hooks: EngineHooks) {
		this.sweeper = setInterval(() => this.evictIdle(), IDLE_EVICT_MS / 2);
		this.sweeper.unref();
	}

	/** A connection's credentials as an actor; throws (unauthorized) when they are not valid. */
	authenticate(credentials: Credentials): Promise<Actor> {
		return this.hooks.onAuthenticate(credentials);
	}

	/**
	 * Opens a record for a connection. Every open checks read access in an RLS transaction as
	 * the caller, even when the doc is already loaded for someone else.
	 */
	async open(connection: Connection, id: string): Promise<LiveDoc> {
		const opened = await this.hooks.onLoadDocument(connection.actor, id);
		let live = this.docs.get(id);
		if (!live) {
			let loading = this.loading.get(id);
			if (!loading) {
				loading = Promise.resolve().then(() => {
					const doc = new Y.Doc({ gc: true });
					Y.applyUpdate(doc, opened.state, Origin.Storage);
					const created: LiveDoc = {
						id,
						spaceId: opened.spaceId,
						typeId: opened.type.id,
						typeKey: opened.type.key,
						doc,
						holders: new Map(),
						lastUsed: Date.now()
					};
					this.docs.set(id, created);
					return created;
				});
				this.loading.set(id, loading);
				loading.finally(() => this.loading.delete(id)).catch(() => undefined);
			}
			live = await loading;
		} else {
			// The stored state may hold what this process missed (a Redis gap): merge it in.
			this.mergeStored(live, opened.state);
		}
		live.holders.set(connection.id, connection.actor);
		live.lastUsed = Date.now();
		return live;
	}

	/** Sync step: what the client lacks, and the server's state vector. */
	async sync(connection: Connection, id: string, stateVector?: Uint8Array) {
		const live = await this.open(connection, id);
		let update: Uint8Array;
		try {
			update = Y.encodeStateAsUpdate(live.doc, stateVector);
		} catch {
			throw failure(RealtimeErrorCode.BadMessage, 'The state vector is not valid', { doc: id });
		}
		return { update, sv: Y.encodeStateVector(live.doc), live };
	}

	release(connection: Connection, id: string): void {
		const live = this.docs.get(id);
		if (!live) return;
		live.holders.delete(connection.id);
		live.lastUsed = Date.now();
	}

	releaseAll(connection: Connection): void {
		for (const live of this.docs.values()) {
			if (live.holders.delete(connection.id)) live.lastUsed = Date.now();
		}
	}

	/**
	 * An update from a client. Resolves once it is durable (with the fields that were refused
	 * and put back), rejects with a RealtimeFailure otherwise.
	 */
	async update(connection: Connection, id: string, update: Uint8Array): Promise<RealtimeError[]> {
		if (!(update instanceof Uint8Array)) {
			throw failure(RealtimeErrorCode.BadMessage, 'The update must be binary Yjs bytes', {
				doc: id
			});
		}
		if (update.byteLength > MAX_UPDATE_BYTES) {
			throw failure(
				RealtimeErrorCode.TooLarge,
				`The update is ${update.byteLength} bytes; the limit is ${MAX_UPDATE_BYTES}`,
				{ doc: id }
			);
		}
		if (!isWellFormedUpdate(update)) {
			throw failure(RealtimeErrorCode.BadMessage, 'The update is not a valid Yjs update', {
				doc: id
			});
		}
		const live = this.docs.get(id);
		if (!live?.holders.has(connection.id)) {
			await this.open(connection, id).catch((error) => {
				const detail = toRealtimeError(error, id);
				// A record the sender may not see looks the same as one that does not exist.
				throw failure(
					detail.code === 'not_found' ? RealtimeErrorCode.Forbidden : detail.code,
					detail.code === 'not_found'
						? `Record ${id} does not exist or you may not see it`
						: detail.message,
					{ doc: id }
				);
			});
		}
		return new Promise<RealtimeError[]>((resolve, reject) => {
			const queue = this.queues.get(id) ?? [];
			queue.push({ actor: connection.actor, update, resolve, reject });
			this.queues.set(id, queue);
			if (!this.running.has(id)) void this.drain(id);
		});
	}

	/** Writes a doc's queued updates, one sender's run at a time, until the queue is empty. */
	private async drain(id: string): Promise<void> {
		this.running.add(id);
		try {
			for (;;) {
				const queue = this.queues.get(id);
				if (!queue?.length) break;
				const actor = queue[0]!.actor;
				let count = 1;
				while (
					count < queue.length &&
					count < MAX_BATCH &&
					queue[count]!.actor.userId === actor.userId &&
					queue[count]!.actor.token?.id === actor.token?.id
				)
					count++;
				const batch = queue.splice(0, count);
				try {
					const applied = await this.hooks.onStoreDocument(
						actor,
						id,
						batch.map((pending) => pending.update)
					);
					// Durable: ack first, then tell everyone (the broadcast is batched per tick).
					for (const pending of batch) pending.resolve(applied.rejected);
					this.hooks.onChange(applied.change);
				} catch (error) {
					const detail = toRealtimeError(error, id);
					for (const pending of batch) pending.reject(failure(detail.code, detail.message, detail));
				}
			}
		} finally {
			this.running.delete(id);
			this.queues.delete(id);
		}
	}

	/**
	 * A durable change, from this process (any write path) or another one: brought into the
	 * loaded doc, then handed to the doc's listeners. Returns the update as applied.
	 */
	applyStored(change: RecordChange, origin: unknown): void {
		const live = this.docs.get(change.entityId);
		if (!live) return;
		if (change.action === 'delete') {
			this.docs.delete(change.entityId);
			live.doc.destroy();
			return;
		}
		if (change.update) {
			Y.applyUpdate(live.doc, change.update, origin);
			this.notify(change.entityId, change.update, origin);
		}
	}

	/** Merges stored state into a loaded doc; returns what it added, if anything. */
	mergeStored(
		live: LiveDoc,
		state: Uint8Array
	): { update: Uint8Array; values: Record<string, CellValue> } | null {
		const before = Y.encodeStateVector(live.doc);
		const keys = applyAndCollect(live.doc, state, Origin.Storage);
		const after = Y.encodeStateVector(live.doc);
		if (Buffer.compare(Buffer.from(before), Buffer.from(after)) === 0) return null;
		const update = Y.encodeStateAsUpdate(live.doc, before);
		this.notify(live.id, update, Origin.Storage);
		const all = readFields(live.doc);
		return { update, values: Object.fromEntries([...keys].map((key) => [key, all[key] ?? null])) };
	}

	/** Listens to every update applied to one doc (the y-websocket transport uses this). */
	listen(id: string, listener: DocListener): () => void {
		let set = this.listeners.get(id);
		if (!set) this.listeners.set(id, (set = new Set()));
		set.add(listener);
		return () => {
			set.delete(listener);
			if (!set.size) this.listeners.delete(id);
		};
	}

	private notify(id: string, update: Uint8Array, origin: unknown): void {
		for (const listener of this.listeners.get(id) ?? []) listener(id, update, origin);
	}

	private evictIdle(): void {
		const cutoff = Date.now() - IDLE_EVICT_MS;
		for (const [id, live] of this.docs) {
			if (live.holders.size || live.lastUsed > cutoff || this.running.has(id)) continue;
			if (this.listeners.has(id)) continue;
			this.docs.delete(id);
			live.doc.destroy();
		}
	}

	close(): void {
		clearInterval(this.sweeper);
		for (const live of this.docs.values()) live.doc.destroy();
		this.docs.clear();
	}
}
