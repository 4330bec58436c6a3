// The collaboration engine: a registry of loaded record docs (one Y.Doc per record), the path
// every incoming update takes, and the extensions it calls. Transports (socket.io, y-websocket)
// only translate their wire format into these calls.
//
// An edit is checked and applied in memory: the update's shape (it must apply whole, and hold
// only the record's fields), the sender's role (cached per connection when the doc was opened,
// re-checked when access changes), and each changed value by its field's kind (the field
// definitions cached with the doc). Accepted values then wait for the next group commit: the
// edits that arrive while one commit runs are written together by the next, in one transaction.
// The sender's ack and the broadcast to everyone else go out after that commit.
import * as Y from 'yjs';
import { checkinStamp, checkinTrio } from '$lib/domain/checkin';
import type { RecordChange } from '$lib/domain/record-change';
import type { EntityType } from '$lib/domain/schema';
import { kindOf } from '$lib/domain/attributes';
import type { CellValue } from '$lib/domain/attributes/kind';
import { AppError } from '$lib/domain/errors';
import { RealtimeErrorCode, realtimeCodeOf, type RealtimeError } from '$lib/domain/realtime/errors';
import { MAX_DOC_BYTES, MAX_UPDATE_BYTES } from '$lib/domain/realtime/protocol';
import {
	applyAndCollect,
	applyNoticingLosses,
	checkUpdate,
	correctFields,
	fieldsOf,
	followsOn,
	isWellFormedUpdate,
	Origin,
	readField,
	readFields
} from '$lib/domain/realtime/ydoc';
import { canWriteRecords, type Role } from '$lib/domain/roles';
import type { Actor } from '$lib/server/auth/actor';
import type { OpenedDoc } from '$lib/server/services/records/collab';
import {
	changeOf,
	needsDatabase,
	type LiveEdit,
	type LiveValue
} from '$lib/server/services/records/live';
import { normalizeValues } from '$lib/server/services/records/write';
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
	// Neither a refusal nor a known failure: the database is away, or this is a bug.
	console.error(`Realtime request${doc ? ` on ${doc}` : ''} failed:`, error);
	return {
		code: RealtimeErrorCode.Unavailable,
		message: 'The edit could not be saved right now; it will be sent again',
		doc
	};
}

/**
 * What the engine needs from the outside, as a list of extensions run in order (Hocuspocus's
 * shape). The first extension that provides a provider hook answers it; every extension hears
 * the notifications. Persistence (Postgres) provides the data hooks; the fan-out, Redis and the
 * transports listen.
 */
export interface Extension {
	/** Who is connecting: an API token or a session cookie, turned into an actor or refused. */
	onAuthenticate?(credentials: Credentials): Promise<Actor>;
	/** A record's doc as `actor` may read it (an RLS transaction as them). */
	onLoadDocument?(actor: Actor, id: string): Promise<OpenedDoc>;
	/** The per-user write budget, shared by every socket and process; throws when spent. */
	beforeEdit?(actor: Actor): Promise<void>;
	/** Makes a batch of validated edits durable in one transaction; an error per refused edit. */
	onStoreEdits?(edits: LiveEdit[]): Promise<(Error | null)[]>;
	/**
	 * An edit whose fields only the database can check (unique, links), alone, through the write
	 * path; `refuse` puts a field the database refused back in the live doc.
	 */
	onStoreCheckedEdit?(
		edit: LiveEdit,
		refuse: (field: string, error: AppError) => Uint8Array | null
	): Promise<{ change: RecordChange; refused: AppError[] }>;
	/** Folds a doc's appended updates into its stored base, as `actor`. */
	onCompact?(actor: Actor, spaceId: string, id: string): Promise<void>;
	/** Durable changes, after the senders' acks: broadcast them. */
	onChanges?(changes: RecordChange[]): void;
	/** A doc was dropped from memory after a failed write: its clients must sync it again. */
	onDocReset?(id: string, holders: string[]): void;
	/** A connection lost access to a doc it held. */
	onAccessLost?(connectionId: string, id: string): void;
}

interface Holder {
	actor: Actor;
	role: Role;
}

/** A field this process wrote: the value, as whom, and the map item that holds it. */
interface Written {
	value: CellValue;
	actor: Actor;
	/** The field's item after the write (absent for long texts, whose item never changes). */
	item?: Y.ID;
}

export interface LiveDoc {
	id: string;
	spaceId: string;
	type: EntityType;
	/** Field keys the doc may hold, and those that are long texts. */
	fieldKeys: Set<string>;
	textKeys: Set<string>;
	doc: Y.Doc;
	/** Connections that hold this doc open, with their role when they opened it. */
	holders: Map<string, Holder>;
	lastUsed: number;
	/** About how large the stored doc is: its state when loaded and every update since. */
	bytes: number;
	/** Updates appended to storage since the doc was last compacted. */
	appended: number;
	/** The last value this process wrote per field, and as whom: what repairs compare against. */
	written: Map<string, Written>;
	/** Settles when the doc's last queued edit is durable. */
	settled: Promise<void>;
	/** Set once the doc is dropped: late work on it is refused. */
	gone: boolean;
}

interface Pending {
	live: LiveDoc;
	edit: LiveEdit;
	/** Settles the sender's wait: with the fields the database refused and that were put back. */
	resolve: (refused: RealtimeError[]) => void;
	reject: (error: unknown) => void;
}

export type DocListener = (id: string, update: Uint8Array, origin: unknown) => void;

const IDLE_EVICT_MS = 60_000;
/** At most this many edits go in one commit; more wait for the next. */
const MAX_BATCH = 2_000;
/** Appended updates per doc before its stored state is compacted. */
const COMPACT_AFTER = 200;

const sameValue = (a: unknown, b: unknown) =>
	JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export class Engine {
	readonly docs = new Map<string, LiveDoc>();
	/** Rechecks under way per space (see recheck): edits wait for them. */
	private readonly rechecks = new Map<string, Promise<void>>();
	private readonly loading = new Map<string, Promise<LiveDoc>>();
	private readonly listeners = new Map<string, Set<DocListener>>();
	private readonly sweeper: NodeJS.Timeout;
	private queue: Pending[] = [];
	private committing = false;
	/** Changes this engine made itself: the change bus hands them back, already applied. */
	private readonly own = new WeakSet<RecordChange>();
	private readonly compacting = new Set<string>();

	constructor(private readonly extensions: Extension[]) {
		this.sweeper = setInterval(() => this.evictIdle(), IDLE_EVICT_MS / 2);
		this.sweeper.unref();
	}

	/** Adds an extension after the start (transports that hear about resets and lost access). */
	use(extension: Extension): void {
		this.extensions.push(extension);
	}

	/** The first extension that provides `hook`. */
	private provider<K extends keyof Extension>(hook: K): NonNullable<Extension[K]> {
		const found = this.extensions.find((extension) => extension[hook]);
		if (!found) throw new Error(`No realtime extension provides ${hook}`);
		return (found[hook] as (...args: unknown[]) => unknown).bind(found) as NonNullable<
			Extension[K]
		>;
	}

	/** Runs a notification hook on every extension that has it. */
	private notifyAll<K extends 'onChanges' | 'onDocReset' | 'onAccessLost'>(
		hook: K,
		...args: Parameters<NonNullable<Extension[K]>>
	): void {
		for (const extension of this.extensions) {
			const listener = extension[hook] as ((...values: unknown[]) => void) | undefined;
			listener?.apply(extension, args);
		}
	}

	/** A connection's credentials as an actor; throws (unauthorized) when they are not valid. */
	authenticate(credentials: Credentials): Promise<Actor> {
		return this.provider('onAuthenticate')(credentials);
	}

	/**
	 * Opens a record for a connection. Every open checks read access in an RLS transaction as
	 * the caller, even when the doc is already loaded for someone else.
	 */
	async open(connection: Connection, id: string): Promise<LiveDoc> {
		const opened = await this.provider('onLoadDocument')(connection.actor, id);
		let live = this.docs.get(id);
		if (!live) {
			let loading = this.loading.get(id);
			if (!loading) {
				loading = Promise.resolve().then(() => this.register(id, opened));
				this.loading.set(id, loading);
				loading.finally(() => this.loading.delete(id)).catch(() => undefined);
			}
			live = await loading;
		} else {
			// The stored state may hold what this process missed (a Redis gap): merge it in.
			this.mergeStored(live, opened.state);
			this.useType(live, opened.type);
		}
		live.holders.set(connection.id, { actor: connection.actor, role: opened.role });
		live.lastUsed = Date.now();
		return live;
	}

	private register(id: string, opened: OpenedDoc): LiveDoc {
		const doc = new Y.Doc({ gc: true });
		Y.applyUpdate(doc, opened.state, Origin.Storage);
		const live: LiveDoc = {
			id,
			spaceId: opened.spaceId,
			type: opened.type,
			fieldKeys: new Set(),
			textKeys: new Set(),
			doc,
			holders: new Map(),
			lastUsed: Date.now(),
			bytes: opened.state.byteLength,
			appended: 0,
			written: new Map(),
			settled: Promise.resolve(),
			gone: false
		};
		this.useType(live, opened.type);
		this.docs.set(id, live);
		return live;
	}

	/** Caches the record's field definitions on its doc. */
	private useType(live: LiveDoc, type: EntityType): void {
		live.type = type;
		const stored = type.attributes.filter((attribute) => kindOf(attribute.kind).storage);
		live.fieldKeys = new Set(stored.map((attribute) => attribute.key));
		live.textKeys = new Set(
			stored.filter((attribute) => attribute.kind === 'long_text').map((attribute) => attribute.key)
		);
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
		let live = this.docs.get(id);
		if (!live?.holders.has(connection.id)) live = await this.openForEdit(connection, id);
		// An access or schema change published before this edit arrived is applied first: the
		// edit is judged by the role and the fields (a choice just added) that came before it.
		const recheck = this.rechecks.get(live.spaceId);
		if (recheck) {
			await recheck;
			live = this.docs.get(id);
			if (!live?.holders.has(connection.id)) live = await this.openForEdit(connection, id);
		}
		const holder = live.holders.get(connection.id)!;
		if (!canWriteRecords(holder.role)) {
			throw failure(RealtimeErrorCode.Forbidden, `Your role (${holder.role}) may not edit here`, {
				doc: id,
				field: 'doc'
			});
		}
		await this.provider('beforeEdit')(holder.actor).catch((error) => {
			throw failure(toRealtimeError(error, id).code, toRealtimeError(error, id).message, {
				doc: id
			});
		});
		// The doc may have been dropped (a failed write) while the budget was checked.
		live = this.docs.get(id);
		if (!live?.holders.has(connection.id)) live = await this.openForEdit(connection, id);
		return this.apply(live, live.holders.get(connection.id)!, update);
	}

	private openForEdit(connection: Connection, id: string): Promise<LiveDoc> {
		return this.open(connection, id).catch((error) => {
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

	/** Checks, applies and validates an update in memory, then waits for its commit. */
	private async apply(live: LiveDoc, holder: Holder, update: Uint8Array): Promise<RealtimeError[]> {
		const { id, doc } = live;
		const problem = checkUpdate(doc, update, live.fieldKeys, live.textKeys);
		if (problem) {
			throw failure(
				problem.code === 'out_of_sync' ? RealtimeErrorCode.OutOfSync : RealtimeErrorCode.BadMessage,
				problem.message,
				{ doc: id }
			);
		}
		if (live.bytes + update.byteLength > MAX_DOC_BYTES) {
			throw failure(
				RealtimeErrorCode.TooLarge,
				`The record's live document would pass ${MAX_DOC_BYTES} bytes`,
				{ doc: id }
			);
		}
		const before = readFields(doc);
		const applied: Uint8Array[] = [];
		const collect = (bytes: Uint8Array) => applied.push(bytes);
		doc.on('update', collect);
		let keys: Set<string>;
		let lost: Record<string, CellValue>;
		try {
			({ keys, lost } = applyNoticingLosses(doc, update, holder.actor.userId));
		} finally {
			doc.off('update', collect);
		}
		if (!applied.length) {
			// Nothing new (a re-sent edit): durable once whatever carried it first is.
			await live.settled;
			return [];
		}
		live.bytes += update.byteLength;

		const rejected: RealtimeError[] = [];
		const accepted: Record<string, CellValue> = {};
		const access = { type: live.type, space: { role: holder.role } };
		for (const key of keys) {
			try {
				const [normal] = normalizeValues(access, { [key]: readField(doc, key) }, undefined);
				accepted[key] = normal ? normal.value : null;
			} catch (error) {
				if (!(error instanceof AppError)) throw error;
				rejected.push(asRealtimeError(error, id, key));
			}
		}
		// A ticked or cleared check-in box stamps "at" and "by", as on every other write path;
		// the stamp goes into the doc with the server's corrections.
		const trio = checkinTrio(live.type.attributes);
		const stamp = checkinStamp(trio, {
			values: accepted,
			wasCheckedIn: trio ? before[trio.checkedIn.key] === true : false,
			actorId: holder.actor.userId,
			now: new Date()
		});
		for (const [key, raw] of Object.entries(stamp)) {
			const [normal] = normalizeValues(access, { [key]: raw }, undefined);
			accepted[key] = normal ? normal.value : null;
		}
		const correction = correctFields(
			doc,
			before,
			rejected.map((error) => error.field!),
			accepted,
			live.textKeys
		);
		if (correction) applied.push(correction);

		const values: LiveValue[] = [];
		for (const [key, value] of Object.entries(accepted)) {
			const attribute = live.type.attributes.find((candidate) => candidate.key === key)!;
			values.push({ attribute, value, old: before[key] ?? null });
			live.written.set(key, {
				value,
				actor: holder.actor,
				item: live.textKeys.has(key) ? undefined : fieldsOf(doc)._map.get(key)?.id
			});
		}
		const edit: LiveEdit = {
			actor: holder.actor,
			spaceId: live.spaceId,
			type: live.type,
			entityId: id,
			update: applied.length === 1 ? applied[0]! : Y.mergeUpdates(applied),
			values,
			lost: validLost(access, lost)
		};
		if (values.some((value) => needsDatabase(value.attribute))) {
			rejected.push(...(await this.storeChecked(live, edit, before)));
		} else {
			rejected.push(...(await this.enqueue(live, edit)));
		}
		return rejected;
	}

	/** Waits for the group commit that takes this edit. */
	private enqueue(live: LiveDoc, edit: LiveEdit): Promise<RealtimeError[]> {
		const done = new Promise<RealtimeError[]>((resolve, reject) => {
			this.queue.push({ live, edit, resolve, reject });
		});
		live.settled = done.then(
			() => undefined,
			() => undefined
		);
		if (!this.committing) void this.commit();
		return done;
	}

	/**
	 * Group commit: writes what is queued in one transaction; what arrives meanwhile waits for
	 * the next one. Acks go out, then the changes are broadcast.
	 */
	private async commit(): Promise<void> {
		this.committing = true;
		try {
			while (this.queue.length) {
				const batch = this.takeBatch();
				let outcomes: (Error | null)[];
				try {
					outcomes = await this.provider('onStoreEdits')(batch.map((pending) => pending.edit));
				} catch (error) {
					outcomes = batch.map(() => (error instanceof Error ? error : new Error(String(error))));
				}
				const changes: RecordChange[] = [];
				const at = new Date().toISOString();
				batch.forEach((pending, index) => {
					const error = outcomes[index];
					if (error) {
						this.refused(pending, error);
						return;
					}
					const { edit, live } = pending;
					if (edit.update) {
						live.appended += 1;
						this.notify(live.id, edit.update, edit.actor.userId);
					}
					const change = changeOf(edit, at);
					this.own.add(change);
					changes.push(change);
					pending.resolve([]);
				});
				if (changes.length) this.notifyAll('onChanges', changes);
				for (const pending of batch) this.maybeCompact(pending.live, pending.edit.actor);
			}
		} finally {
			this.committing = false;
		}
	}

	/**
	 * An edit the batch could not store. A value the database refuses (a data error: it cannot
	 * be stored as given) is put back in the live doc like any invalid value, and the edit with
	 * that correction is stored without values, so the sender's doc, every replica and storage
	 * go on agreeing. Anything else (access gone, record deleted, the database away) drops the
	 * doc: it is reloaded from storage and its clients sync it again.
	 */
	private refused(pending: Pending, error: Error): void {
		const { live, edit } = pending;
		const isValueError = error instanceof AppError && error.code === 'INVALID_VALUE';
		// Not a refusal of the caller: worth a line in the log (the database away, a bug).
		if (!(error instanceof AppError))
			console.error(`Storing a live edit of ${live.id} failed:`, error);
		if (!isValueError || live.gone || !edit.values.length) {
			pending.reject(failureOf(error, live.id));
			this.reset(live);
			return;
		}
		const olds: Record<string, CellValue> = {};
		for (const { attribute, old } of edit.values) {
			olds[attribute.key] = old;
			live.written.delete(attribute.key);
		}
		const keys = Object.keys(olds);
		const correction = correctFields(live.doc, olds, keys, {}, live.textKeys);
		const update =
			correction && edit.update ? Y.mergeUpdates([edit.update, correction]) : edit.update;
		const errors = keys.map((key) => asRealtimeError(error, live.id, key));
		this.enqueue(live, { ...edit, update, values: [] }).then(
			() => pending.resolve(errors),
			(reason) => pending.reject(reason)
		);
	}

	/**
	 * The next batch: queued edits in order, up to MAX_BATCH, stopping before an edit of a field
	 * that someone else's edit in the batch already writes. The batch writes one person after
	 * another, so a later edit of another person must wait for the next commit to land last.
	 */
	private takeBatch(): Pending[] {
		const writer = new Map<string, string>();
		let count = 0;
		for (const pending of this.queue) {
			if (count >= MAX_BATCH) break;
			const { actor } = pending.edit;
			const who = `${actor.userId}|${actor.token?.id ?? ''}|${actor.via}`;
			const clash = pending.edit.values.some((value) => {
				const owner = writer.get(`${pending.edit.entityId}:${value.attribute.id}`);
				return owner !== undefined && owner !== who;
			});
			if (clash && count > 0) break;
			for (const value of pending.edit.values) {
				writer.set(`${pending.edit.entityId}:${value.attribute.id}`, who);
			}
			count++;
		}
		return this.queue.splice(0, Math.max(1, count));
	}

	private async storeChecked(
		live: LiveDoc,
		edit: LiveEdit,
		before: Record<string, CellValue>
	): Promise<RealtimeError[]> {
		const previous = live.settled;
		let finish!: () => void;
		live.settled = new Promise<void>((resolve) => (finish = resolve));
		try {
			await previous;
			const { change, refused } = await this.provider('onStoreCheckedEdit')(edit, (field) => {
				live.written.delete(field);
				return correctFields(live.doc, before, [field], {}, live.textKeys);
			});
			live.appended += 1;
			if (change.update) this.notify(live.id, change.update, edit.actor.userId);
			this.own.add(change);
			this.notifyAll('onChanges', [change]);
			return refused.map((error) => asRealtimeError(error, live.id, error.field!));
		} catch (error) {
			this.reset(live);
			throw failureOf(error, live.id);
		} finally {
			finish();
		}
	}

	private maybeCompact(live: LiveDoc, actor: Actor, after = COMPACT_AFTER): void {
		if (live.appended < after || this.compacting.has(live.id) || live.gone) return;
		this.compacting.add(live.id);
		const appended = live.appended;
		this.provider('onCompact')(actor, live.spaceId, live.id)
			.then(() => {
				live.appended = Math.max(0, live.appended - appended);
				if (!live.gone) live.bytes = Y.encodeStateAsUpdate(live.doc).byteLength;
			})
			// Loading merges appended updates anyway: a failed compaction only waits for the next.
			.catch(() => (live.appended = 0))
			.finally(() => this.compacting.delete(live.id));
	}

	/**
	 * Drops a doc whose in-memory state may now hold what storage does not (a failed write): its
	 * next open loads it from Postgres, and its clients are told to sync it again, which sends
	 * back whatever of theirs did not make it.
	 */
	private reset(live: LiveDoc): void {
		if (live.gone) return;
		live.gone = true;
		if (this.docs.get(live.id) === live) this.docs.delete(live.id);
		const holders = [...live.holders.keys()];
		this.notifyAll('onDocReset', live.id, holders);
		live.doc.destroy();
	}

	/**
	 * A durable change, from this process (any write path) or another one: brought into the
	 * loaded doc, then handed to the doc's listeners.
	 */
	applyStored(change: RecordChange, origin: unknown): void {
		if (this.own.has(change)) return;
		const live = this.docs.get(change.entityId);
		if (!live) return;
		if (change.action === 'delete') {
			this.reset(live);
			return;
		}
		if (!change.update) return;
		const keys = applyAndCollect(live.doc, change.update, origin);
		this.notify(change.entityId, change.update, origin);
		this.repair(live, keys, change.values);
	}

	/**
	 * After someone else's change merged into a doc: where this process wrote a field and the
	 * merge resolved it to another value, or where the change's writer stored a value that lost
	 * the merge, the EAV row may hold the loser. Write the value every replica now shows, as the
	 * person who last wrote the field here. Both sides of a race do this, so whichever commit
	 * lands last, the row ends equal to the doc.
	 */
	private repair(
		live: LiveDoc,
		keys: Set<string>,
		claimed: Record<string, CellValue> | null
	): void {
		const values: LiveValue[] = [];
		let actor: Actor | undefined;
		for (const key of new Set([...keys, ...Object.keys(claimed ?? {})])) {
			const mine = live.written.get(key);
			if (!mine) continue;
			const resolved = readField(live.doc, key);
			const lostClaim = claimed && key in claimed && !sameValue(claimed[key], resolved);
			if (!lostClaim) {
				if (sameValue(mine.value, resolved)) continue;
				// A long text's writer stores the merge it saw; if it saw ours, it committed after
				// us. A value written by someone who saw ours (its item follows ours) likewise.
				if (!mine.item || followsOn(live.doc, fieldsOf(live.doc)._map.get(key), mine.item))
					continue;
			}
			const attribute = live.type.attributes.find((candidate) => candidate.key === key);
			if (!attribute) continue;
			values.push({
				attribute,
				value: resolved,
				old: lostClaim ? (claimed[key] ?? null) : mine.value,
				// Not an edit of anyone's: the rows catch up with what the docs already show.
				audit: false
			});
			mine.value = resolved;
			actor = mine.actor;
		}
		if (!values.length || !actor) return;
		const edit: LiveEdit = {
			actor,
			spaceId: live.spaceId,
			type: live.type,
			entityId: live.id,
			update: null,
			values
		};
		this.enqueue(live, edit).catch(() => undefined);
	}

	/** Merges stored state into a loaded doc; returns what it added, if anything. */
	mergeStored(
		live: LiveDoc,
		state: Uint8Array
	): { update: Uint8Array; values: Record<string, CellValue> } | null {
		const added: Uint8Array[] = [];
		const collect = (bytes: Uint8Array) => added.push(bytes);
		live.doc.on('update', collect);
		let keys: Set<string>;
		try {
			keys = applyAndCollect(live.doc, state, Origin.Storage);
		} finally {
			live.doc.off('update', collect);
		}
		if (!added.length) return null;
		const update = Y.mergeUpdates(added);
		this.notify(live.id, update, Origin.Storage);
		this.repair(live, keys, null);
		const all = readFields(live.doc);
		return { update, values: Object.fromEntries([...keys].map((key) => [key, all[key] ?? null])) };
	}

	/**
	 * Access changed in a space (a member removed or re-roled, a token revoked, the schema
	 * changed): every holder of a doc there is checked again, as the engine checks an open.
	 * Holders that may no longer read lose the doc; the others keep it with their new role and
	 * the fresh field definitions.
	 */
	recheck(spaceId: string, userId?: string): Promise<void> {
		const previous = this.rechecks.get(spaceId);
		const run = this.recheckNow(spaceId, userId);
		const settled = Promise.allSettled([previous, run]).then(() => undefined);
		this.rechecks.set(spaceId, settled);
		void settled.then(() => {
			if (this.rechecks.get(spaceId) === settled) this.rechecks.delete(spaceId);
		});
		return run;
	}

	private async recheckNow(spaceId: string, userId?: string): Promise<void> {
		const load = this.provider('onLoadDocument');
		const checks: Promise<void>[] = [];
		for (const live of this.docs.values()) {
			if (live.spaceId !== spaceId) continue;
			for (const [connectionId, holder] of live.holders) {
				if (userId && holder.actor.userId !== userId) continue;
				checks.push(
					load(holder.actor, live.id).then(
						(opened) => {
							holder.role = opened.role;
							this.useType(live, opened.type);
						},
						(error) => {
							if (!isRefusal(error)) return;
							live.holders.delete(connectionId);
							this.notifyAll('onAccessLost', connectionId, live.id);
						}
					)
				);
			}
		}
		await Promise.all(checks);
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
			if (live.holders.size || live.lastUsed > cutoff || this.compacting.has(id)) continue;
			if (this.listeners.has(id) || this.queue.some((pending) => pending.live === live)) continue;
			// Leaving memory: fold what it appended into the stored base, as its last writer.
			const writer = [...live.written.values()].pop()?.actor;
			if (writer && live.appended > 0) {
				this.maybeCompact(live, writer, 1);
				continue;
			}
			this.docs.delete(id);
			live.gone = true;
			live.doc.destroy();
		}
	}

	close(): void {
		clearInterval(this.sweeper);
		for (const live of this.docs.values()) live.doc.destroy();
		this.docs.clear();
	}
}

/**
 * The values an edit set that lost at once to a concurrent one, in their normal form: the
 * change carries them to the writer whose value won, who had not seen them. Values the field
 * would refuse are left out (they were never going to be kept).
 */
function validLost(
	access: Parameters<typeof normalizeValues>[0],
	lost: Record<string, CellValue>
): Record<string, CellValue> | undefined {
	const valid: Record<string, CellValue> = {};
	for (const [key, value] of Object.entries(lost)) {
		try {
			const [normal] = normalizeValues(access, { [key]: value }, undefined);
			valid[key] = normal ? normal.value : null;
		} catch (error) {
			if (!(error instanceof AppError)) throw error;
		}
	}
	return Object.keys(valid).length ? valid : undefined;
}

function asRealtimeError(error: AppError, id: string, field: string): RealtimeError {
	return { code: realtimeCodeOf(error.code), message: error.message, field, doc: id };
}

/** Errors that say the caller may not (any more), as opposed to the database being away. */
function isRefusal(error: unknown): boolean {
	if (!(error instanceof AppError)) return false;
	return ['FORBIDDEN', 'NOT_FOUND', 'UNAUTHORIZED'].includes(error.code);
}

function failureOf(error: unknown, id: string): RealtimeFailure {
	const detail = toRealtimeError(error, id);
	return failure(detail.code, detail.message, detail);
}
