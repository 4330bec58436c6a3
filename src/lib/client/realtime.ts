// The client side of live collaboration, for the browser and for Node (tests, scripts): one
// socket.io connection, sheets joined, a Y.Doc per open record. Local edits are sent at once
// and counted as pending until the server acks them as durable; after a reconnect every doc
// syncs both ways, which re-sends whatever the server lacks (unacked or offline edits). With a
// persistence factory (y-indexeddb in the browser) edits also survive a reload while offline.
import { io, type Socket } from 'socket.io-client';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { CellValue } from '$lib/domain/attributes/kind';
import type { RealtimeError } from '$lib/domain/realtime/errors';
import type {
	Ack,
	ClientToServerEvents,
	PresenceState,
	ServerToClientEvents,
	SheetChange,
	SheetInfo
} from '$lib/domain/realtime/protocol';
import { unpackChanges } from '$lib/domain/realtime/protocol';
import { applyNoticingClashes, type FieldClash } from '$lib/domain/realtime/ydoc';

export type ConnectionState = 'connecting' | 'online' | 'offline';

/** Marks transactions that came from the server, so they are not sent back. */
export const RemoteOrigin = Symbol('roster-remote');

export interface DocPersistence {
	/** Resolves once the stored state has been loaded into the doc. */
	whenSynced: Promise<unknown>;
	destroy(): unknown;
}

export interface RealtimeClientOptions {
	/** The app's origin, e.g. http://localhost:3000; the page's own origin in the browser. */
	url: string;
	/** An API token; browsers use their session cookie instead. */
	token?: string;
	/** Keeps a doc's state across reloads (y-indexeddb in the browser). */
	persistence?: (name: string, doc: Y.Doc) => DocPersistence;
	/** socket.io-client options to pass through (transports, timeouts). */
	socket?: Parameters<typeof io>[1];
}

interface OpenDoc {
	doc: Y.Doc;
	persistence?: DocPersistence;
	/** Updates sent and not yet acked. */
	pending: number;
	synced: boolean;
	/** A sync scheduled after a refusal. */
	resync?: ReturnType<typeof setTimeout>;
}

interface OpenSheet {
	join: { space: string; type: string };
	info?: SheetInfo;
	awareness: Awareness;
}

type Listener<T> = (value: T) => void;

/**
 * A value this client wrote and someone else's concurrent write of the same field: neither saw
 * the other's, and the doc kept one of them. `by` is the other writer's user id when the change
 * named it (a re-sync after being offline does not).
 */
export interface DocClash extends FieldClash {
	doc: string;
	by: string | null;
}

export class RealtimeClient {
	readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
	readonly docs = new Map<string, OpenDoc>();
	private readonly sheets = new Map<string, OpenSheet>();
	private readonly changeListeners = new Set<Listener<SheetChange[]>>();
	private readonly problemListeners = new Set<Listener<RealtimeError>>();
	private readonly stateListeners = new Set<Listener<ConnectionState>>();
	private readonly clashListeners = new Set<Listener<DocClash>>();
	private readonly ackListeners = new Set<(doc: string, update: Uint8Array) => void>();
	private readonly settledWaiters = new Set<() => void>();
	/** Presence of a sheet that arrived before its join finished (see the `awareness` handler). */
	private readonly earlyAwareness = new Map<string, Uint8Array>();
	state: ConnectionState = 'connecting';
	/** Edits acked durable by the server since this client started. */
	acked = 0;

	constructor(private readonly options: RealtimeClientOptions) {
		this.socket = io(options.url, {
			auth: options.token ? { token: options.token } : undefined,
			withCredentials: true,
			reconnectionDelay: 250,
			reconnectionDelayMax: 2_000,
			...options.socket
		});
		this.socket.on('connect', () => void this.resume());
		this.socket.on('disconnect', () => this.setState('offline'));
		this.socket.on('connect_error', () => this.setState('offline'));
		this.socket.on('changes', (batch) => this.receive(unpackChanges(batch)));
		this.socket.on('problem', (problem) => {
			// The server dropped its copy of the doc after a failed write: sync it again, which
			// sends back whatever of ours it does not have.
			if (problem.code === 'out_of_sync' && problem.doc) this.resyncLater(problem.doc, 0);
			for (const listener of this.problemListeners) listener(problem);
		});
		this.socket.on('awareness', ({ sheet, update }) => {
			const open = [...this.sheets.values()].find((entry) => entry.info?.typeId === sheet);
			if (open) applyAwarenessUpdate(open.awareness, new Uint8Array(update), RemoteOrigin);
			// Who is on a sheet comes right after its join's answer, possibly in the same poll,
			// before the join has learnt the sheet's id: kept for the join to apply.
			else this.earlyAwareness.set(sheet, new Uint8Array(update));
		});
	}

	/** Unacked edits across all docs. */
	get pending(): number {
		let count = 0;
		for (const open of this.docs.values()) count += open.pending;
		return count;
	}

	onChanges(listener: Listener<SheetChange[]>): () => void {
		this.changeListeners.add(listener);
		return () => this.changeListeners.delete(listener);
	}

	onProblem(listener: Listener<RealtimeError>): () => void {
		this.problemListeners.add(listener);
		return () => this.problemListeners.delete(listener);
	}

	/** Called with each update the server has acked as durable (the bytes that were sent). */
	onAck(listener: (doc: string, update: Uint8Array) => void): () => void {
		this.ackListeners.add(listener);
		return () => this.ackListeners.delete(listener);
	}

	/** Called when someone else's write of a field crossed one of this client's (see DocClash). */
	onClash(listener: Listener<DocClash>): () => void {
		this.clashListeners.add(listener);
		return () => this.clashListeners.delete(listener);
	}

	onState(listener: Listener<ConnectionState>): () => void {
		this.stateListeners.add(listener);
		return () => this.stateListeners.delete(listener);
	}

	/** Joins a sheet: its changes arrive through onChanges, its presence through awareness. */
	async joinSheet(space: string, type: string): Promise<{ info: SheetInfo; awareness: Awareness }> {
		const key = `${space}/${type}`;
		let open = this.sheets.get(key);
		if (!open) {
			const awareness = new Awareness(new Y.Doc());
			// Awareness starts with an empty `{}` state, which `resume` would announce on connect
			// before the page sets its own; the server refuses presence without the user's id.
			awareness.setLocalState(null);
			open = { join: { space, type }, awareness };
			this.sheets.set(key, open);
			awareness.on('update', ({ added, updated, removed }: AwarenessChange, origin: unknown) => {
				if (origin === RemoteOrigin || !open!.info || !this.socket.connected) return;
				const changed = [...added, ...updated, ...removed];
				this.socket.emit('awareness', {
					sheet: open!.info.typeId,
					update: encodeAwarenessUpdate(awareness, changed)
				});
			});
		}
		const { sheet: info } = await this.request<{ sheet: SheetInfo }>('sheet:join', open.join);
		open.info = info;
		const early = this.earlyAwareness.get(info.typeId);
		this.earlyAwareness.delete(info.typeId);
		if (early) applyAwarenessUpdate(open.awareness, early, RemoteOrigin);
		return { info, awareness: open.awareness };
	}

	/** Sets what others see of this user on a sheet (name, colour, selected and edited cell). */
	setPresence(awareness: Awareness, state: PresenceState | null): void {
		awareness.setLocalState(state);
	}

	/**
	 * Opens a record's doc: loads any locally kept state, syncs with the server both ways, and
	 * from then on sends local edits and applies remote ones.
	 */
	async openDoc(id: string): Promise<Y.Doc> {
		const existing = this.docs.get(id);
		if (existing) return existing.doc;
		const doc = new Y.Doc();
		const open: OpenDoc = { doc, pending: 0, synced: false };
		this.docs.set(id, open);
		if (this.options.persistence) {
			open.persistence = this.options.persistence(`roster-doc-${id}`, doc);
			await open.persistence.whenSynced;
		}
		doc.on('update', (update: Uint8Array, origin: unknown) => {
			// Edits made before the first sync are in the doc; the sync sends them.
			if (origin === RemoteOrigin || !open.synced || !this.socket.connected) return;
			void this.send(id, open, update);
		});
		if (this.socket.connected) await this.syncDoc(id, open);
		return doc;
	}

	closeDoc(id: string): void {
		const open = this.docs.get(id);
		if (!open) return;
		this.docs.delete(id);
		clearTimeout(open.resync);
		this.socket.emit('doc:leave', id);
		open.persistence?.destroy();
		open.doc.destroy();
	}

	/** Resolves when every edit made so far is acked (or has failed and will be re-sent). */
	whenSettled(): Promise<void> {
		if (this.pending === 0) return Promise.resolve();
		return new Promise((resolve) => {
			const check = () => {
				if (this.pending > 0) return;
				this.settledWaiters.delete(check);
				resolve();
			};
			this.settledWaiters.add(check);
		});
	}

	/** Goes offline on purpose (as a lost network would), keeping every doc and edit. */
	disconnect(): void {
		this.socket.disconnect();
		this.setState('offline');
	}

	connect(): void {
		this.socket.connect();
	}

	close(): void {
		for (const id of [...this.docs.keys()]) this.closeDoc(id);
		for (const sheet of this.sheets.values()) sheet.awareness.destroy();
		this.sheets.clear();
		this.socket.disconnect();
	}

	private setState(state: ConnectionState): void {
		if (this.state === state) return;
		this.state = state;
		for (const listener of this.stateListeners) listener(state);
	}

	private async resume(): Promise<void> {
		this.setState('online');
		for (const sheet of this.sheets.values()) {
			try {
				sheet.info = (await this.request<{ sheet: SheetInfo }>('sheet:join', sheet.join)).sheet;
				const local = sheet.awareness.getLocalState();
				if (local) sheet.awareness.setLocalState(local);
			} catch {
				// Lost access to the sheet: its changes stop.
			}
		}
		for (const [id, open] of this.docs) void this.syncDoc(id, open).catch(() => undefined);
	}

	/** Syncs a doc again after `delayMs`, once however many refusals asked for it. */
	private resyncLater(id: string, delayMs: number): void {
		const open = this.docs.get(id);
		if (!open || open.resync) return;
		open.resync = setTimeout(() => {
			open.resync = undefined;
			if (this.docs.get(id) !== open || !this.socket.connected) return;
			void this.syncDoc(id, open).catch(() => undefined);
		}, delayMs);
	}

	/** Both directions: take what the server has, then send what it lacks. */
	private async syncDoc(id: string, open: OpenDoc): Promise<void> {
		const reply = await this.request<{ update: Uint8Array; sv: Uint8Array }>('doc:sync', {
			doc: id,
			sv: Y.encodeStateVector(open.doc)
		});
		// What the server lacks, taken before its state comes in: a value of ours that loses to a
		// concurrent one of theirs is emptied once merged, and the server must still see it to
		// tell the other writer what they beat.
		const missing = Y.encodeStateAsUpdate(open.doc, new Uint8Array(reply.sv));
		this.applyRemote(id, open.doc, new Uint8Array(reply.update), null);
		open.synced = true;
		if (hasContent(missing)) await this.send(id, open, missing);
	}

	private async send(id: string, open: OpenDoc, update: Uint8Array): Promise<void> {
		open.pending++;
		try {
			const reply = await this.request<{ rejected: RealtimeError[] }>('doc:update', {
				doc: id,
				update
			});
			this.acked++;
			for (const listener of this.ackListeners) listener(id, update);
			for (const problem of reply.rejected) {
				for (const listener of this.problemListeners) listener(problem);
			}
		} catch (error) {
			// Not durable. Nothing of it was applied (out_of_sync), or it could not be stored right
			// now (unavailable): sync the doc again, which sends everything the server lacks. Any
			// other refusal stays refused; a reconnect also syncs every doc.
			const problem = (error as { realtime?: RealtimeError }).realtime;
			if (problem?.code === 'out_of_sync') this.resyncLater(id, 0);
			else if (problem?.code === 'unavailable') this.resyncLater(id, 1_000);
			if (problem) for (const listener of this.problemListeners) listener(problem);
		} finally {
			open.pending--;
			for (const waiter of [...this.settledWaiters]) waiter();
		}
	}

	private receive(changes: SheetChange[]): void {
		for (const change of changes) {
			const open = this.docs.get(change.id);
			if (open && change.update)
				this.applyRemote(
					change.id,
					open.doc,
					new Uint8Array(change.update),
					change.by,
					change.lost
				);
		}
		for (const listener of this.changeListeners) listener(changes);
	}

	private applyRemote(
		id: string,
		doc: Y.Doc,
		update: Uint8Array,
		by: string | null,
		lost?: Record<string, CellValue>
	): void {
		for (const clash of applyNoticingClashes(doc, update, RemoteOrigin, lost)) {
			for (const listener of this.clashListeners) listener({ ...clash, doc: id, by });
		}
	}

	/** Emits with an ack; rejects on a refusal or when the socket drops before the answer. */
	private request<T>(
		event: 'sheet:join' | 'doc:sync' | 'doc:update',
		payload: unknown
	): Promise<T> {
		return new Promise<T>((resolve, reject) => {
			if (!this.socket.connected) return reject(new Error('offline'));
			const onDisconnect = () => reject(new Error('disconnected before the answer'));
			this.socket.once('disconnect', onDisconnect);
			const emit = this.socket.emit as unknown as (
				event: string,
				payload: unknown,
				ack: (reply: Ack<T>) => void
			) => void;
			emit.call(this.socket, event, payload, (reply: Ack<T>) => {
				this.socket.off('disconnect', onDisconnect);
				if (reply.ok) resolve(reply as T);
				else reject(Object.assign(new Error(reply.error.message), { realtime: reply.error }));
			});
		});
	}
}

interface AwarenessChange {
	added: number[];
	updated: number[];
	removed: number[];
}

/** An update with no structs and no deletions is two zero bytes. */
const hasContent = (update: Uint8Array) =>
	!(update.byteLength === 2 && update[0] === 0 && update[1] === 0);
