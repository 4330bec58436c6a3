// One record, live: its Y.Doc through the RealtimeClient (every edit is a Yjs transaction the
// engine validates and acks once durable), each field's pending / saved / error state, remote
// changes as they land, and who else has the record open (presence on the record's sheet).
import { SvelteMap } from 'svelte/reactivity';
import * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import { RealtimeClient, RemoteOrigin, type ConnectionState } from '$lib/client/realtime';
import type { CellValue } from '$lib/domain/attributes/kind';
import type { RealtimeError } from '$lib/domain/realtime/errors';
import type { PresenceState } from '$lib/domain/realtime/protocol';
import { changedFields, fieldsOf, readFields } from '$lib/domain/realtime/ydoc';

/** Origin of this page's own edits to the record's fields. */
export const RecordEdit = Symbol('record-edit');

export type FieldStatus =
	| { state: 'pending' }
	/** Made while offline: kept in the doc and sent on reconnect. */
	| { state: 'queued' }
	| { state: 'saved' }
	| { state: 'error'; message: string };

export interface Viewer {
	clientId: number;
	id: string;
	name: string;
	color: string;
	/** The field they are on, if any. */
	field: string | null;
	isEditing: boolean;
}

export interface RecordLiveOptions {
	space: string;
	typeKey: string;
	typeId: string;
	recordId: string;
	/** The record as the server last read it: shown until the doc has synced. */
	initial: Record<string, CellValue>;
	/** Who is looking, for presence; none means no presence. */
	me?: { id: string; name: string; color: string };
	/** A client the page already holds (the grid's); otherwise one is made and closed here. */
	client?: RealtimeClient;
	/** How long to wait for the socket before saying live editing is unavailable. */
	connectTimeoutMs?: number;
}

const SAVED_SHOWN_MS = 2_000;
const FLASH_MS = 1_600;
/** "is typing" ends this long after the last keystroke, though the caret stays in the field. */
export const TYPING_IDLE_MS = 4_000;

export class RecordLive {
	values = $state<Record<string, CellValue>>({});
	connection = $state<ConnectionState>('connecting');
	/** True once the doc has synced with the server: editors work from then on. */
	isReady = $state(false);
	/** Why the record cannot be edited live right now, when it cannot. */
	notice = $state<string | null>(null);
	viewers = $state<Viewer[]>([]);
	/** Bumped on every change that reached the server (for history to refresh). */
	revision = $state(0);
	/** The Y.Text of each long text, by key (replaced when the doc replaces one). */
	texts = $state.raw<Record<string, Y.Text>>({});
	readonly status = new SvelteMap<string, FieldStatus>();
	/** Fields someone else just changed, for a brief highlight. */
	readonly flashes = new SvelteMap<string, number>();

	private client: RealtimeClient | null = null;
	private isOwnClient = false;
	private doc: Y.Doc | null = null;
	private awareness: Awareness | null = null;
	private previousPresence: unknown = null;
	private focused: { field: string | null; isEditing: boolean } = {
		field: null,
		isEditing: false
	};
	/** Keystrokes in the focused field within the last TYPING_IDLE_MS. */
	private isTyping = false;
	// Bookkeeping below is never rendered, so plain (non-reactive) maps.
	/** Updates sent and not yet acked, by their bytes (the client acks with the same array). */
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	private readonly sent = new Map<Uint8Array, string[]>();
	/** Per field, how many of its edits await their ack. */
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	private readonly unacked = new Map<string, number>();
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
	private readonly cleanups: (() => void)[] = [];
	private isStopped = false;
	private opening: Promise<void> | null = null;

	constructor(private readonly options: RecordLiveOptions) {
		this.values = { ...options.initial };
	}

	async start(): Promise<void> {
		const { options } = this;
		this.isOwnClient = !options.client;
		const client = options.client ?? new RealtimeClient({ url: location.origin });
		this.client = client;
		this.connection = client.state;
		this.cleanups.push(
			client.onState((state) => {
				this.connection = state;
				if (state === 'offline') {
					for (const [key, status] of this.status)
						if (status.state === 'pending') this.status.set(key, { state: 'queued' });
				}
				if (state === 'online' && !this.isReady) void this.open();
			}),
			client.onAck((doc, update) => {
				if (doc === options.recordId) this.acked(update);
			}),
			client.onProblem((problem) => this.problem(problem))
		);
		this.later('connect', options.connectTimeoutMs ?? 6_000, () => {
			if (!this.isReady && !this.notice)
				this.notice =
					'Live editing is not reachable right now: showing the saved record. Retrying…';
		});
		if (client.socket.connected) await this.open();
	}

	stop(): void {
		this.isStopped = true;
		for (const cleanup of this.cleanups.splice(0)) cleanup();
		for (const timer of this.timers.values()) clearTimeout(timer);
		this.timers.clear();
		this.doc?.off('afterTransaction', this.onTransaction);
		this.doc?.off('update', this.onUpdate);
		if (this.awareness) {
			this.awareness.off('change', this.onAwareness);
			// A shared client keeps its sheet presence: give the grid its own state back.
			if (!this.isOwnClient) this.awareness.setLocalState(this.previousPresence as null);
		}
		if (this.isOwnClient) this.client?.close();
		this.client = null;
	}

	/** Sets a field's value as one edit; the engine validates it and acks it once stored. */
	set(key: string, value: CellValue): void {
		if (!this.doc) return;
		this.status.delete(key);
		this.doc.transact(() => fieldsOf(this.doc!).set(key, value), RecordEdit);
	}

	/** Creates a long text that the doc does not hold yet (a field added after it was made). */
	createText(key: string, initial: string): void {
		if (!this.doc) return;
		this.doc.transact(() => fieldsOf(this.doc!).set(key, new Y.Text(initial)), RecordEdit);
	}

	/** Shows an error on a field that never left the browser (its kind refused the input). */
	setError(key: string, message: string): void {
		this.status.set(key, { state: 'error', message });
	}

	clearError(key: string): void {
		if (this.status.get(key)?.state === 'error') this.status.delete(key);
	}

	/** Tells others which field this user is on (and whether typing in it). */
	focus(field: string | null, isEditing = false): void {
		this.focused = { field, isEditing };
		if (!isEditing) {
			this.isTyping = false;
			this.clearTimer('typing');
		}
		this.publishPresence();
	}

	/** A local edit of the field being typed in: others see "is typing" until it goes idle. */
	private typed(keys: string[]): void {
		const { field, isEditing } = this.focused;
		if (!isEditing || !field || !keys.includes(field)) return;
		this.later('typing', TYPING_IDLE_MS, () => {
			this.isTyping = false;
			this.publishPresence();
		});
		if (this.isTyping) return;
		this.isTyping = true;
		this.publishPresence();
	}

	private open(): Promise<void> {
		this.opening ??= this.openDoc().finally(() => (this.opening = null));
		return this.opening;
	}

	private async openDoc(): Promise<void> {
		const { client, options } = this;
		if (!client || this.doc) return;
		try {
			const doc = await client.openDoc(options.recordId);
			if (this.isStopped) return;
			this.doc = doc;
			doc.on('afterTransaction', this.onTransaction);
			doc.on('update', this.onUpdate);
			this.refresh();
			this.isReady = true;
			this.notice = null;
		} catch (error) {
			const problem = (error as { realtime?: RealtimeError }).realtime;
			this.notice =
				problem?.code === 'forbidden' || problem?.code === 'not_found'
					? problem.message
					: 'Live editing is not reachable right now: showing the saved record. Retrying…';
			client.closeDoc(options.recordId);
			if (!problem) this.later('reopen', 3_000, () => void this.open());
			return;
		}
		void this.joinPresence();
	}

	private refresh(): void {
		if (!this.doc) return;
		this.values = { ...this.options.initial, ...readFields(this.doc) };
		const texts: Record<string, Y.Text> = {};
		for (const [key, value] of fieldsOf(this.doc).entries())
			if (value instanceof Y.Text) texts[key] = value;
		const changed =
			Object.keys(texts).length !== Object.keys(this.texts).length ||
			Object.entries(texts).some(([key, text]) => this.texts[key] !== text);
		if (changed) this.texts = texts;
	}

	private readonly onTransaction = (transaction: Y.Transaction): void => {
		if (!this.doc) return;
		const keys = [...changedFields(transaction, this.doc)];
		if (keys.length === 0) return;
		this.refresh();
		// Everything but what the server sent is this page's own editing (fields, typing, undo).
		if (transaction.origin !== RemoteOrigin) return;
		this.revision++;
		for (const key of keys) {
			// The server putting a refused value back is not someone else's edit.
			if (this.status.get(key)?.state === 'error') continue;
			this.flashes.set(key, Date.now());
			this.later(`flash:${key}`, FLASH_MS, () => this.flashes.delete(key));
		}
	};

	/** Local edits: remember which fields each update carries, to mark them saved on its ack. */
	private readonly onUpdate = (
		update: Uint8Array,
		_origin: unknown,
		_doc: Y.Doc,
		transaction: Y.Transaction
	): void => {
		if (!this.doc || transaction.origin === RemoteOrigin) return;
		const keys = [...changedFields(transaction, this.doc)];
		if (keys.length === 0) return;
		this.typed(keys);
		this.sent.set(update, keys);
		const state = this.connection === 'online' ? 'pending' : 'queued';
		for (const key of keys) {
			this.unacked.set(key, (this.unacked.get(key) ?? 0) + 1);
			this.clearTimer(`saved:${key}`);
			this.status.set(key, { state });
		}
	};

	private acked(update: Uint8Array): void {
		const keys = this.sent.get(update) ?? [];
		this.sent.delete(update);
		for (const key of keys) this.unacked.set(key, (this.unacked.get(key) ?? 1) - 1);
		// Problems of the same reply are reported right after the ack: let them land first.
		queueMicrotask(() => {
			// A resync after reconnecting sends the queued edits merged into one update, whose
			// bytes match none sent: once nothing is in flight, everything before is durable.
			const isSettled = (this.client?.docs.get(this.options.recordId)?.pending ?? 0) === 0;
			if (isSettled) {
				this.sent.clear();
				this.unacked.clear();
			}
			for (const [key, status] of this.status) {
				if (status.state !== 'pending' && status.state !== 'queued') continue;
				if ((this.unacked.get(key) ?? 0) > 0) continue;
				this.status.set(key, { state: 'saved' });
				this.later(`saved:${key}`, SAVED_SHOWN_MS, () => {
					if (this.status.get(key)?.state === 'saved') this.status.delete(key);
				});
			}
			this.revision++;
		});
	}

	private problem(problem: RealtimeError): void {
		if (problem.doc !== this.options.recordId) return;
		if (problem.field) {
			this.unacked.delete(problem.field);
			this.status.set(problem.field, { state: 'error', message: problem.message });
			return;
		}
		// Retried by the client on its own (a sync of the record): nothing for the user to do.
		if (problem.code !== 'unavailable' && problem.code !== 'out_of_sync') {
			this.notice = problem.message;
		}
	}

	// --- presence ---------------------------------------------------------------------------

	private async joinPresence(): Promise<void> {
		const { client, options } = this;
		if (!client || !options.me || this.awareness) return;
		try {
			const { awareness } = await client.joinSheet(options.space, options.typeKey);
			if (this.isStopped) return;
			this.awareness = awareness;
			this.previousPresence = awareness.getLocalState();
			awareness.on('change', this.onAwareness);
			this.publishPresence();
			this.onAwareness();
		} catch {
			// Presence is a nicety: the record works without it.
		}
	}

	private publishPresence(): void {
		const { client, awareness, options } = this;
		if (!client || !awareness || !options.me) return;
		const cell = { record: options.recordId, field: this.focused.field ?? '' };
		const state: PresenceState = {
			user: options.me,
			sheet: options.typeId,
			cell,
			editing: this.focused.isEditing && this.isTyping ? cell : null
		};
		client.setPresence(awareness, state);
	}

	private readonly onAwareness = (): void => {
		const { awareness, options } = this;
		if (!awareness) return;
		const viewers: Viewer[] = [];
		for (const [clientId, raw] of awareness.getStates()) {
			if (clientId === awareness.clientID) continue;
			const state = raw as Partial<PresenceState>;
			if (!state.user || state.sheet !== options.typeId) continue;
			if (state.cell?.record !== options.recordId && state.editing?.record !== options.recordId)
				continue;
			viewers.push({
				clientId,
				id: state.user.id,
				name: state.user.name,
				color: state.user.color,
				field: (state.editing ?? state.cell)?.field || null,
				isEditing: Boolean(state.editing)
			});
		}
		const isSame =
			viewers.length === this.viewers.length &&
			viewers.every(
				(viewer, index) => JSON.stringify(viewer) === JSON.stringify(this.viewers[index])
			);
		if (!isSame) this.viewers = viewers;
	};

	// --- timers -----------------------------------------------------------------------------

	private later(name: string, ms: number, work: () => void): void {
		this.clearTimer(name);
		this.timers.set(
			name,
			setTimeout(() => {
				this.timers.delete(name);
				work();
			}, ms)
		);
	}

	private clearTimer(name: string): void {
		const timer = this.timers.get(name);
		if (timer) clearTimeout(timer);
		this.timers.delete(name);
	}
}
