// The grid's live side: one RealtimeClient for the page, the sheet's changes through LiveSheet,
// presence through the sheet's awareness, and every edit the user makes. Over the socket an edit
// is a Yjs transaction on the record's doc (the engine validates it and acks it once durable);
// over the SSE fallback it is a REST PATCH. Each cell's pending / saved / error state, the undo
// stack across rows, and the remote highlights live here.
/* eslint-disable svelte/prefer-svelte-reactivity -- the plain maps and sets here are bookkeeping
   no view reads (sent updates, timers, open docs); what views read is $state or a SvelteMap. */
import { SvelteMap } from 'svelte/reactivity';
import * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import { LiveSheet, type LiveChange, type LiveMode } from '$lib/client/live-sheet';
import { RealtimeClient, type ConnectionState, type DocClash } from '$lib/client/realtime';
import type { CellValue } from '$lib/domain/attributes/kind';
import type { RealtimeError } from '$lib/domain/realtime/errors';
import type { PresenceState } from '$lib/domain/realtime/protocol';
import { changedFields, fieldsOf, readField, writeFields } from '$lib/domain/realtime/ydoc';
import {
	presencePeers,
	type CellRef,
	type Me,
	type PresencePeer
} from '$lib/client/sheet-presence.svelte';
import { sameValue } from './range-edits';
import { problemOf, type RowStore } from './row-store.svelte';

export type { CellRef, Me, PresencePeer } from '$lib/client/sheet-presence.svelte';

/** Origin of the user's own edits: the only transactions the undo managers track. */
export const LocalEdit = Symbol('grid-local-edit');

export type CellStatus =
	{ state: 'pending' } | { state: 'saved' } | { state: 'error'; message: string };

export interface CellChange {
	record: string;
	field: string;
	value: CellValue;
	/**
	 * The value the user started editing from, when they typed over it. If the record's doc
	 * holds another one by the time the edit is written (a save that reached this page while the
	 * doc was still opening), the edit is not written: the user is offered "theirs / mine".
	 */
	base?: CellValue;
}

export interface Outline {
	name: string;
	color: string;
	isEditing: boolean;
}

type UndoEntry =
	| { via: 'doc'; records: string[] }
	/** Rows the user added (a paste past the last row, Add record): undo deletes them. */
	| { via: 'rows'; rows: { id: string; values: Record<string, CellValue> }[] }
	/** Several entries made by one gesture (a paste that edits cells and adds rows). */
	| { via: 'group'; steps: UndoEntry[] }
	| {
			via: 'rest';
			changes: {
				record: string;
				before: Record<string, CellValue>;
				after: Record<string, CellValue>;
			}[];
	  };

interface OpenRecord {
	ready: Promise<Y.Doc>;
	doc?: Y.Doc;
	undo?: Y.UndoManager;
}

export const cellKey = (record: string, field: string) => `${record}\u0000${field}`;

const SAVED_SHOWN_MS = 1_500;
const FLASH_MS = 1_600;
/** Open docs kept beyond those with undo history; the oldest close first. */
const MAX_OPEN_DOCS = 300;

/** How undo and redo add and delete the rows of a sheet (the page owns its REST collection). */
export interface RowKeeper {
	/** Creates rows, in order; those made, or null when none were (the page shows why). */
	create(values: Record<string, CellValue>[]): Promise<{ id: string }[] | null>;
	/** Deletes rows; false when they were not (the page shows why). */
	remove(ids: string[]): Promise<boolean>;
}

export interface GridLiveOptions {
	space: string;
	typeKey: string;
	typeId: string;
	me: Me;
	/** Long-text fields, kept as Y.Text in the docs. */
	textKeys: Set<string>;
	store: RowStore;
	rows?: RowKeeper;
	/** Someone merged these rows into another record: they left the sheet. */
	onMerged?(ids: string[]): void;
}

type RemoteEditListener = (record: string, values: Record<string, CellValue>, by: string) => void;
type ClashListener = (clash: DocClash) => void;

export class GridLive {
	mode = $state<LiveMode>('connecting');
	connection = $state<ConnectionState>('connecting');
	peers = $state<PresencePeer[]>([]);
	canUndo = $state(false);
	canRedo = $state(false);
	/** A problem that belongs to no cell (rate limit, lost access). */
	notice = $state<string | null>(null);
	readonly status = new SvelteMap<string, CellStatus>();
	readonly flashes = new SvelteMap<string, number>();
	readonly outlines = new SvelteMap<string, Outline>();

	private client: RealtimeClient | null = null;
	private sheet: LiveSheet | null = null;
	private awareness: Awareness | null = null;
	private local: Pick<PresenceState, 'cell' | 'editing'> = { cell: null, editing: null };
	private readonly records = new Map<string, OpenRecord>();
	/** Updates sent and not yet acked, by their bytes (the client acks with the same array). */
	private readonly sent = new Map<Uint8Array, { record: string; keys: string[] }>();
	private readonly pendingCount = new Map<string, number>();
	private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
	private readonly undoStack: UndoEntry[] = [];
	private readonly redoStack: UndoEntry[] = [];
	/** The entries of the gesture under way (`step`), pushed as one when it ends. */
	private openStep: UndoEntry[] | null = null;
	private readonly cleanups: (() => void)[] = [];
	private readonly remoteEditListeners = new Set<RemoteEditListener>();
	private readonly clashListeners = new Set<ClashListener>();

	constructor(private readonly options: GridLiveOptions) {}

	start(): void {
		const client = new RealtimeClient({ url: location.origin });
		this.client = client;
		this.cleanups.push(
			client.onState((state) => {
				this.connection = state;
				if (state === 'online') void this.joinPresence();
			}),
			client.onAck((doc, update) => this.acked(doc, update)),
			client.onProblem((problem) => this.problem(problem)),
			client.onClash((clash) => this.clashed(clash))
		);
		this.sheet = new LiveSheet({
			client,
			space: this.options.space,
			type: this.options.typeKey,
			onChange: (changes) => this.receive(changes),
			onMode: (mode) => (this.mode = mode),
			// Changes may have been missed while switching transports: count and fetch again.
			onResync: () => this.options.store.refreshSoon(0)
		});
		this.sheet.start();
		this.mode = this.sheet.mode;
	}

	stop(): void {
		for (const cleanup of this.cleanups.splice(0)) cleanup();
		for (const timer of this.timers.values()) clearTimeout(timer);
		this.sheet?.stop();
		this.awareness?.off('change', this.onAwareness);
		this.client?.close();
		this.client = null;
	}

	/** Another user changed fields of a record (the grid offers "theirs / mine" on a clash). */
	onRemoteEdit(listener: RemoteEditListener): () => void {
		this.remoteEditListeners.add(listener);
		return () => this.remoteEditListeners.delete(listener);
	}

	/**
	 * Someone else saved a cell at the same moment as this user (neither saw the other's value):
	 * the grid offers "theirs / mine" as it does when an edit arrives during editing.
	 */
	onClash(listener: ClashListener): () => void {
		this.clashListeners.add(listener);
		return () => this.clashListeners.delete(listener);
	}

	private clashed(clash: DocClash): void {
		if (!this.records.has(clash.doc)) return;
		this.options.store.patch(clash.doc, { [clash.field]: clash.resolved });
		for (const listener of this.clashListeners) listener(clash);
	}

	/** Goes offline or online on purpose (tests, a "work offline" switch). */
	setOnline(isOnline: boolean): void {
		if (isOnline) this.client?.connect();
		else this.client?.disconnect();
	}

	get isRestMode(): boolean {
		return this.mode === 'sse' || this.client === null;
	}

	// --- presence ---------------------------------------------------------------------------

	private async joinPresence(): Promise<void> {
		if (!this.client || this.awareness) return;
		try {
			const { awareness } = await this.client.joinSheet(this.options.space, this.options.typeKey);
			this.awareness = awareness;
			awareness.on('change', this.onAwareness);
			this.publishPresence();
			this.onAwareness();
		} catch {
			// No presence without the sheet; its changes still come through LiveSheet.
		}
	}

	/** What this user has selected and is editing, as others see it. */
	setPresence(next: Pick<PresenceState, 'cell' | 'editing'>): void {
		const same =
			JSON.stringify(next.cell) === JSON.stringify(this.local.cell) &&
			JSON.stringify(next.editing) === JSON.stringify(this.local.editing);
		this.local = next;
		if (!same) this.publishPresence();
	}

	private publishPresence(): void {
		if (!this.awareness || !this.client) return;
		const state: PresenceState = {
			user: this.options.me,
			sheet: this.options.typeId,
			cell: this.local.cell ?? null,
			editing: this.local.editing ?? null
		};
		this.client.setPresence(this.awareness, state);
	}

	private onAwareness = (): void => {
		if (!this.awareness) return;
		const peers = presencePeers(this.awareness, this.options.typeId, this.options.me);
		this.peers = peers;
		const next = new Map<string, Outline>();
		for (const peer of peers) {
			const target = peer.editing ?? peer.cell;
			if (!target) continue;
			next.set(cellKey(target.record, target.field), {
				name: peer.name,
				color: peer.color,
				isEditing: peer.editing !== null
			});
		}
		for (const key of this.outlines.keys()) if (!next.has(key)) this.outlines.delete(key);
		for (const [key, outline] of next) {
			const current = this.outlines.get(key);
			if (
				!current ||
				current.color !== outline.color ||
				current.isEditing !== outline.isEditing ||
				current.name !== outline.name
			)
				this.outlines.set(key, outline);
		}
	};

	// --- remote changes ---------------------------------------------------------------------

	private receive(changes: LiveChange[]): void {
		const { store } = this.options;
		let isReshaped = false;
		const merged: string[] = [];
		for (const change of changes) {
			if (change.action === 'delete') {
				store.remove([change.id]);
				if (change.mergedInto) merged.push(change.id);
				continue;
			}
			if (change.action === 'create') {
				isReshaped = true;
				continue;
			}
			const isMine = change.by === this.options.me.id;
			const values: Record<string, CellValue> = {};
			for (const [key, value] of Object.entries(change.values)) {
				// The echo of an edit still in flight would briefly undo newer typing.
				if (isMine && this.pendingCount.get(cellKey(change.id, key))) continue;
				values[key] = value;
			}
			if (Object.keys(values).length === 0) continue;
			store.patch(change.id, values);
			if (isMine) continue;
			for (const key of Object.keys(values)) this.flash(cellKey(change.id, key));
			for (const listener of this.remoteEditListeners) listener(change.id, values, change.by);
		}
		if (isReshaped) store.refreshSoon();
		if (merged.length) this.options.onMerged?.(merged);
	}

	private flash(key: string): void {
		this.flashes.set(key, Date.now());
		this.later(`flash:${key}`, FLASH_MS, () => this.flashes.delete(key));
	}

	private later(name: string, ms: number, work: () => void): void {
		const existing = this.timers.get(name);
		if (existing) clearTimeout(existing);
		this.timers.set(
			name,
			setTimeout(() => {
				this.timers.delete(name);
				work();
			}, ms)
		);
	}

	// --- writing ----------------------------------------------------------------------------

	/**
	 * Opens a record's doc ahead of an edit, once the selection rests on its row: the first
	 * keystroke then edits a synced doc, so it lands after what the server has.
	 */
	prepare(record: string): void {
		if (this.isRestMode || this.records.has(record)) return;
		this.later('prepare', 250, () => {
			if (!this.isRestMode) void this.open(record).catch(() => undefined);
		});
	}

	private open(record: string): Promise<Y.Doc> {
		const existing = this.records.get(record);
		if (existing) return existing.ready;
		const entry: OpenRecord = {
			ready: this.client!.openDoc(record).then((doc) => {
				entry.doc = doc;
				doc.on(
					'update',
					(update: Uint8Array, origin: unknown, _doc: Y.Doc, transaction: Y.Transaction) => {
						if (origin !== LocalEdit && !(origin instanceof Y.UndoManager)) return;
						const keys = [...changedFields(transaction, doc)];
						if (keys.length === 0) return;
						this.sent.set(update, { record, keys });
						for (const key of keys) this.markPending(cellKey(record, key));
						if (origin instanceof Y.UndoManager) {
							this.options.store.patch(
								record,
								Object.fromEntries(keys.map((key) => [key, readField(doc, key)]))
							);
						}
					}
				);
				entry.undo = new Y.UndoManager(fieldsOf(doc), {
					trackedOrigins: new Set([LocalEdit]),
					captureTimeout: 0
				});
				return doc;
			})
		};
		this.records.set(record, entry);
		entry.ready.catch(() => this.records.delete(record));
		this.trimDocs();
		return entry.ready;
	}

	private trimDocs(): void {
		if (this.records.size <= MAX_OPEN_DOCS) return;
		const inUndo = new Set(
			[...this.undoStack, ...this.redoStack].flatMap((entry) =>
				entry.via === 'doc' ? entry.records : []
			)
		);
		for (const [record, entry] of this.records) {
			if (this.records.size <= MAX_OPEN_DOCS) break;
			if (inUndo.has(record) || !entry.doc) continue;
			if (this.client?.docs.get(record)?.pending) continue;
			this.records.delete(record);
			entry.undo?.destroy();
			this.client?.closeDoc(record);
		}
	}

	private markPending(key: string): void {
		this.pendingCount.set(key, (this.pendingCount.get(key) ?? 0) + 1);
		this.status.set(key, { state: 'pending' });
		const savedTimer = this.timers.get(`saved:${key}`);
		if (savedTimer) clearTimeout(savedTimer);
	}

	private markSaved(key: string): void {
		this.pendingCount.delete(key);
		if (this.status.get(key)?.state !== 'pending') return;
		this.status.set(key, { state: 'saved' });
		this.later(`saved:${key}`, SAVED_SHOWN_MS, () => {
			if (this.status.get(key)?.state === 'saved') this.status.delete(key);
		});
	}

	private acked(doc: string, update: Uint8Array): void {
		const entry = this.sent.get(update);
		if (entry) {
			this.sent.delete(update);
			for (const key of entry.keys) {
				const cell = cellKey(entry.record, key);
				const left = (this.pendingCount.get(cell) ?? 1) - 1;
				if (left <= 0) this.markSaved(cell);
				else this.pendingCount.set(cell, left);
			}
			return;
		}
		// A re-sync after a reconnect sends what was queued as one merged update: once the doc
		// has nothing else in flight, everything pending on it is durable.
		if ((this.client?.docs.get(doc)?.pending ?? 0) <= 1) {
			const prefix = cellKey(doc, '');
			for (const [key, status] of this.status) {
				if (key.startsWith(prefix) && status.state === 'pending') this.markSaved(key);
			}
			for (const [bytes, sent] of this.sent) if (sent.record === doc) this.sent.delete(bytes);
		}
	}

	private problem(problem: RealtimeError): void {
		if (problem.doc && problem.field) {
			const key = cellKey(problem.doc, problem.field);
			this.pendingCount.delete(key);
			this.status.set(key, { state: 'error', message: problem.message });
			return;
		}
		// The client deals with these itself: it syncs the record again, and the sync's ack marks
		// the pending cells saved. Nothing for the user to do.
		if (problem.code === 'unavailable' || problem.code === 'out_of_sync') return;
		this.notice = problem.message;
		this.later('notice', 8_000, () => (this.notice = null));
	}

	/** Clears a cell's error, e.g. when the user edits it again. */
	clearStatus(record: string, field: string): void {
		const key = cellKey(record, field);
		if (this.status.get(key)?.state === 'error') this.status.delete(key);
	}

	/** Shows a local error on a cell (a pasted value its kind refuses). */
	setError(record: string, field: string, message: string): void {
		this.status.set(cellKey(record, field), { state: 'error', message });
	}

	/** Writes cells; one call is one step of undo, whatever rows it spans. */
	async write(changes: CellChange[], options: { isUndoStep?: boolean } = {}): Promise<void> {
		if (changes.length === 0) return;
		const byRecord = new Map<string, Record<string, CellValue>>();
		for (const change of changes) {
			let values = byRecord.get(change.record);
			if (!values) byRecord.set(change.record, (values = {}));
			values[change.field] = change.value;
			this.clearStatus(change.record, change.field);
		}
		if (this.isRestMode) {
			const done = await Promise.all(
				[...byRecord].map(([record, values]) => this.writeRest(record, values))
			);
			const applied = done.filter((change) => change !== null);
			if (applied.length && options.isUndoStep !== false) {
				this.pushUndo({ via: 'rest', changes: applied });
			}
			return;
		}
		const bases = new Map<string, CellValue>();
		for (const { record, field, base } of changes) {
			if (base !== undefined) bases.set(cellKey(record, field), base);
		}
		const written = await Promise.all(
			[...byRecord].map(([record, values]) => this.writeDoc(record, values, bases))
		);
		const records = written.filter((record) => record !== null);
		if (records.length && options.isUndoStep !== false) this.pushUndo({ via: 'doc', records });
	}

	private async writeDoc(
		record: string,
		values: Record<string, CellValue>,
		bases: Map<string, CellValue>
	): Promise<string | null> {
		const { store } = this.options;
		store.patch(record, values);
		const keys = Object.keys(values).map((key) => cellKey(record, key));
		for (const key of keys) this.status.set(key, { state: 'pending' });
		let doc: Y.Doc;
		try {
			doc = await this.open(record);
		} catch {
			for (const key of keys) {
				this.status.set(key, {
					state: 'error',
					message: 'This record could not be opened for editing. Reload the page and try again.'
				});
			}
			return null;
		}
		for (const [field, value] of Object.entries(values)) {
			const key = cellKey(record, field);
			const current = readField(doc, field);
			if (!bases.has(key) || sameValue(current, bases.get(key)) || sameValue(current, value))
				continue;
			delete values[field];
			this.status.delete(key);
			this.clashed({
				doc: record,
				field,
				mine: value,
				theirs: current,
				resolved: current,
				by: null
			});
		}
		let isChanged = false;
		const onUpdate = () => (isChanged = true);
		doc.on('update', onUpdate);
		writeFields(doc, values, this.options.textKeys, LocalEdit);
		doc.off('update', onUpdate);
		// Values the doc already held make no update: nothing is in flight for them.
		for (const key of keys) {
			if (!this.pendingCount.get(key) && this.status.get(key)?.state === 'pending') {
				this.status.delete(key);
			}
		}
		// The doc's synced state may be newer than the page the row came from.
		const fields = fieldsOf(doc);
		store.patch(
			record,
			Object.fromEntries([...fields.keys()].map((key) => [key, readField(doc, key)]))
		);
		return isChanged ? record : null;
	}

	private async writeRest(
		record: string,
		values: Record<string, CellValue>
	): Promise<{
		record: string;
		before: Record<string, CellValue>;
		after: Record<string, CellValue>;
	} | null> {
		const { store } = this.options;
		const before = store.patch(record, values) ?? {};
		const keys = Object.keys(values).map((key) => cellKey(record, key));
		for (const key of keys) this.markPending(key);
		try {
			const response = await fetch(`/api/data/entity/${encodeURIComponent(record)}`, {
				method: 'PATCH',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(values)
			});
			if (!response.ok) {
				const problem = await problemOf(response);
				store.patch(record, before);
				for (const field of Object.keys(values)) {
					const key = cellKey(record, field);
					this.pendingCount.delete(key);
					if (!problem.field || problem.field === field) {
						this.status.set(key, { state: 'error', message: problem.message });
					} else this.status.delete(key);
				}
				return null;
			}
			const saved = (await response.json()) as Record<string, CellValue>;
			store.patch(
				record,
				Object.fromEntries(Object.keys(values).map((key) => [key, saved[key] ?? null]))
			);
			for (const key of keys) this.markSaved(key);
			return { record, before, after: values };
		} catch {
			store.patch(record, before);
			for (const key of keys) {
				this.pendingCount.delete(key);
				this.status.set(key, {
					state: 'error',
					message: 'Not saved: the server is not reachable. Try again when you are back online.'
				});
			}
			return null;
		}
	}

	// --- undo -------------------------------------------------------------------------------

	/**
	 * Runs one gesture whose writes and added rows undo as one step (a paste that edits cells
	 * and adds rows past the end).
	 */
	async step(work: () => Promise<void>): Promise<void> {
		if (this.openStep) return work();
		const steps: UndoEntry[] = [];
		this.openStep = steps;
		try {
			await work();
		} finally {
			this.openStep = null;
			if (steps.length === 1) this.pushUndo(steps[0]!);
			else if (steps.length > 1) this.pushUndo({ via: 'group', steps });
		}
	}

	/** Rows the user just added: a step of undo that deletes them (redo adds them again). */
	rowsAdded(rows: { id: string; values: Record<string, CellValue> }[]): void {
		if (rows.length) this.pushUndo({ via: 'rows', rows });
	}

	private pushUndo(entry: UndoEntry): void {
		if (this.openStep) {
			this.openStep.push(entry);
			return;
		}
		this.undoStack.push(entry);
		if (this.undoStack.length > 200) this.undoStack.shift();
		this.redoStack.length = 0;
		this.syncUndoFlags();
	}

	private syncUndoFlags(): void {
		this.canUndo = this.undoStack.length > 0;
		this.canRedo = this.redoStack.length > 0;
	}

	/** Undoes the user's last edit step (only their own changes, across the rows it spans). */
	async undo(): Promise<CellRef | null> {
		const entry = this.undoStack.pop();
		if (!entry) return null;
		this.redoStack.push(entry);
		this.syncUndoFlags();
		return this.replay(entry, 'undo');
	}

	async redo(): Promise<CellRef | null> {
		const entry = this.redoStack.pop();
		if (!entry) return null;
		this.undoStack.push(entry);
		this.syncUndoFlags();
		return this.replay(entry, 'redo');
	}

	private async replay(entry: UndoEntry, direction: 'undo' | 'redo'): Promise<CellRef | null> {
		if (entry.via === 'group') {
			const steps = direction === 'undo' ? [...entry.steps].reverse() : entry.steps;
			let touched: CellRef | null = null;
			for (const step of steps) touched = (await this.replay(step, direction)) ?? touched;
			return touched;
		}
		if (entry.via === 'rows') {
			const keeper = this.options.rows;
			if (!keeper) return null;
			if (direction === 'undo') {
				await keeper.remove(entry.rows.map((row) => row.id));
				return null;
			}
			// Redo adds them again as new records: a later undo deletes those.
			const made = await keeper.create(entry.rows.map((row) => row.values));
			entry.rows = (made ?? []).map((row, index) => ({
				id: row.id,
				values: entry.rows[index]!.values
			}));
			return null;
		}
		if (entry.via === 'rest') {
			const changes = entry.changes.flatMap(({ record, before, after }) =>
				Object.entries(direction === 'undo' ? before : after).map(([field, value]) => ({
					record,
					field,
					value
				}))
			);
			await this.write(changes, { isUndoStep: false });
			return changes[0] ? { record: changes[0].record, field: changes[0].field } : null;
		}
		let touched: CellRef | null = null;
		for (const record of entry.records) {
			const open = this.records.get(record);
			const manager = open?.undo;
			if (!manager) continue;
			const doc = open.doc!;
			const watch = (transaction: Y.Transaction) => {
				const [field] = changedFields(transaction, doc);
				if (field && !touched) touched = { record, field };
			};
			doc.on('afterTransaction', watch);
			if (direction === 'undo') manager.undo();
			else manager.redo();
			doc.off('afterTransaction', watch);
		}
		return touched;
	}
}
