// The state of one check-in device: the attendee list (saved on the device, refreshed from the
// server, kept live over SSE), checking guests in and out with a nonce per scan, the offline queue
// and its sync, and the feedback the door staff sees. The page and its components only render it.
import { SvelteSet } from 'svelte/reactivity';
import { SseFeed, type SseFeedStatus } from '$lib/client/sse';
import type { AttendeeList, CheckinSetup, ScanOutcome, UndoOutcome } from '$lib/domain/checkin';
import { AttendeeBook, type Attendee, type Tally } from './attendee-book';
import { isoNow } from './format';
import * as store from './device-store';
import type { QueuedScan } from './device-store';

export type Feedback =
	| {
			kind: 'checked_in';
			name: string;
			/** Saved on the device, not yet on the server. */
			isQueued: boolean;
			/** The guest's ticket is for another gate than this desk's. */
			otherGate: string | null;
			ticketType: string | null;
	  }
	| { kind: 'already'; name: string; by: string; at: number | null; note?: string }
	| { kind: 'unknown'; code: string; note?: string }
	| { kind: 'undone'; name: string; isQueued: boolean }
	/** Asking the server: the last answer must not stand in for this one. */
	| { kind: 'pending'; name: string }
	| { kind: 'error'; message: string };

export interface UndoOffer {
	id: string;
	name: string;
	/** The check-in's nonce: while it is still queued, undo just drops it. */
	nonce: string;
}

interface ApiError {
	code: string;
	message: string;
	field?: string;
}

type ApiResult<T> =
	| { ok: true; body: T }
	| { ok: false; status: number; error: ApiError; retryAfterSeconds?: number };

/** The network is not there (or did not answer in time): queue instead. */
class Unreachable extends Error {}

const REQUEST_TIMEOUT_MS = 8_000;
const MAX_RETRY_MS = 30_000;
const FEEDBACK_MS = 12_000;
const UNDO_MS = 10_000;
const GATE_KEY = 'roster.checkin.gate';
/** More than a phone shows; typing a little more narrows it. */
const RESULT_LIMIT = 30;

export type ListState = 'loading' | 'ready' | 'saved' | 'error';

export class CheckinDesk {
	readonly setup: CheckinSetup;
	/** Not deeply reactive (20,000 guests): `version` says when it changed. */
	book = $state.raw<AttendeeBook | null>(null);
	version = $state(0);
	listState = $state<ListState>('loading');
	listSavedAt = $state<number | null>(null);
	listError = $state<string | null>(null);
	isOnline = $state(true);
	live = $state<SseFeedStatus>('closed');
	queue = $state.raw<QueuedScan[]>([]);
	isSyncing = $state(false);
	syncNote = $state<string | null>(null);
	needsSignIn = $state(false);
	feedback = $state<Feedback | null>(null);
	undoOffer = $state<UndoOffer | null>(null);
	/** Guests with a request in flight: their button waits. */
	readonly pending = new SvelteSet<string>();
	/** The gate this desk stands at; sent with each scan. Null: any gate. */
	gate = $state<string | null>(null);

	private feed: SseFeed | null = null;
	private eventId: string | undefined;
	private retryTimer: ReturnType<typeof setTimeout> | undefined;
	private retryMs = 1_000;
	/** The latest list request: an older one that ends later must not overwrite what it found. */
	private listRequest = 0;
	private listRetryTimer: ReturnType<typeof setTimeout> | undefined;
	private listRetryMs = 1_000;
	private feedbackTimer: ReturnType<typeof setTimeout> | undefined;
	private undoTimer: ReturnType<typeof setTimeout> | undefined;
	private readonly cleanups: (() => void)[] = [];
	private readonly key: string;
	private isStopped = false;

	constructor(setup: CheckinSetup) {
		this.setup = setup;
		this.key = store.deviceKey(setup.space.id, setup.me.id);
	}

	private get base(): string {
		return `/api/spaces/${encodeURIComponent(this.setup.space.slug)}/checkin`;
	}

	tally(): Tally | null {
		void this.version;
		return this.book?.tally() ?? null;
	}

	/** How long the last search took, without drawing (ms). */
	lastSearchMs = 0;

	/** Snapshots, so a row redraws when its guest changes (the list itself is not reactive). */
	search(query: string): Attendee[] {
		void this.version;
		const start = performance.now();
		const found = this.book?.search(query, RESULT_LIMIT) ?? [];
		this.lastSearchMs = performance.now() - start;
		return found.map((attendee) => ({ ...attendee }));
	}

	/** The user's name, "you" for themselves. */
	who(userId: string | null): string {
		if (!userId) return 'someone';
		if (userId === this.setup.me.id) return 'you';
		return this.book?.users.get(userId) ?? 'another member';
	}

	canUndo(attendee: Attendee): boolean {
		if (!attendee.isCheckedIn || !this.setup.canCheckIn) return false;
		if (this.setup.canUndoAny) return true;
		return (
			attendee.by === this.setup.me.id &&
			attendee.at !== null &&
			Date.now() - attendee.at < this.setup.undoWindowSeconds * 1000
		);
	}

	async start(): Promise<void> {
		this.isOnline = navigator.onLine;
		this.gate = this.readGate();
		const on = (target: EventTarget, name: string, listener: () => void) => {
			target.addEventListener(name, listener);
			this.cleanups.push(() => target.removeEventListener(name, listener));
		};
		on(window, 'online', () => {
			this.isOnline = true;
			this.retryMs = 1_000;
			// A list from storage (or none) is refreshed; a fresh one catches up over SSE.
			if (this.listState === 'ready' && !this.listError) this.restartFeed();
			else void this.refreshList();
			void this.sync();
		});
		on(window, 'offline', () => {
			this.isOnline = false;
		});
		on(document, 'visibilitychange', () => {
			if (document.visibilityState === 'visible') void this.sync();
		});

		try {
			this.queue = await store.loadQueue(this.key);
			const saved = await store.loadList(this.key);
			if (saved && !this.book) {
				this.useList(JSON.parse(saved.text) as AttendeeList, saved.savedAt);
				this.listState = 'saved';
			}
		} catch (error) {
			console.warn('The device storage could not be read', error);
		}
		await this.refreshList();
		void this.sync();
	}

	/** Before signing out: personal data leaves the device; unsynced scans wait for this user. */
	async forgetList(): Promise<void> {
		await store.clearLists().catch(() => undefined);
	}

	stop(): void {
		this.isStopped = true;
		for (const cleanup of this.cleanups.splice(0)) cleanup();
		this.feed?.close();
		this.feed = null;
		clearTimeout(this.retryTimer);
		clearTimeout(this.listRetryTimer);
		clearTimeout(this.feedbackTimer);
		clearTimeout(this.undoTimer);
	}

	setGate(gate: string | null): void {
		this.gate = gate;
		try {
			if (gate) localStorage.setItem(`${GATE_KEY}:${this.setup.space.id}`, gate);
			else localStorage.removeItem(`${GATE_KEY}:${this.setup.space.id}`);
		} catch {
			// Private mode: the choice lasts for this visit only.
		}
	}

	private readGate(): string | null {
		try {
			const gate = localStorage.getItem(`${GATE_KEY}:${this.setup.space.id}`);
			return gate && this.setup.gates.includes(gate) ? gate : null;
		} catch {
			return null;
		}
	}

	/** Loads the list from the server; keeps the saved one (and says so) when that fails. */
	async refreshList(): Promise<void> {
		const request = ++this.listRequest;
		clearTimeout(this.listRetryTimer);
		if (!this.book) this.listState = 'loading';
		let text: string;
		let list: AttendeeList;
		try {
			const response = await fetch(`${this.base}/attendees`, {
				headers: { accept: 'application/json' },
				signal: AbortSignal.timeout(60_000)
			});
			text = await response.text();
			if (request !== this.listRequest || this.isStopped) return;
			if (!response.ok) {
				if (response.status === 401) this.needsSignIn = true;
				this.failList(parseError(text, response.status).message, response.status !== 401);
				return;
			}
			list = JSON.parse(text) as AttendeeList;
		} catch {
			if (request !== this.listRequest || this.isStopped) return;
			this.failList(
				this.isOnline && navigator.onLine
					? 'The attendee list could not be loaded. Check the connection and try again.'
					: 'This device is offline and has no saved attendee list yet. Connect once to load it.'
			);
			this.startFeed();
			return;
		}
		if (this.isStopped) return;
		const savedAt = Date.now();
		this.useList(list, savedAt);
		this.listState = 'ready';
		this.listError = null;
		this.listRetryMs = 1_000;
		this.restartFeed();
		try {
			await store.saveList({ key: this.key, savedAt, text });
		} catch (error) {
			console.warn('The attendee list could not be saved on this device', error);
		}
	}

	/**
	 * A saved list stays in use (offline is normal at a gate); without one, the page says why.
	 * While the device is online the list is tried again, backing off, so a failure around a
	 * reconnect (the network not quite back yet) does not stay on screen after it recovers.
	 */
	private failList(message: string, canRetry = true): void {
		if (this.book) this.listError = this.isOnline && navigator.onLine ? message : null;
		else {
			this.listError = message;
			this.listState = 'error';
		}
		if (!canRetry || !navigator.onLine || this.isStopped) return;
		clearTimeout(this.listRetryTimer);
		this.listRetryTimer = setTimeout(() => void this.refreshList(), this.listRetryMs);
		this.listRetryMs = Math.min(this.listRetryMs * 2, MAX_RETRY_MS);
	}

	private useList(list: AttendeeList, savedAt: number): void {
		const book = new AttendeeBook(list);
		// What this device did offline stays visible on a fresher list until it is synced.
		for (const scan of this.queue) {
			book.setCheckedIn(
				scan.id,
				scan.kind === 'checkin'
					? { isCheckedIn: true, at: Date.parse(scan.scannedAt), by: this.setup.me.id }
					: { isCheckedIn: false, at: null, by: null }
			);
		}
		this.book = book;
		this.eventId = list.eventId;
		this.listSavedAt = savedAt;
		this.version += 1;
	}

	private startFeed(): void {
		if (this.feed || this.isStopped || !this.book) return;
		this.feed = new SseFeed({
			space: this.setup.space.slug,
			types: [this.setup.type.key],
			lastEventId: this.eventId,
			onChange: (change) => {
				if (!this.book) return;
				if (this.feed) this.eventId = this.feed.lastEventId;
				// A guest with an offline scan still queued keeps what this device did, until sync.
				if (this.queue.some((scan) => scan.id === change.id)) return;
				if (this.book.applyChange(change, this.setup.fields)) this.version += 1;
			},
			onReset: () => void this.refreshList(),
			onStatus: (status) => (this.live = status)
		});
		this.feed.start();
	}

	private restartFeed(): void {
		this.feed?.close();
		this.feed = null;
		this.startFeed();
	}

	private async call<T>(path: string, body: unknown): Promise<ApiResult<T>> {
		if (!navigator.onLine) throw new Unreachable();
		let response: Response;
		try {
			response = await fetch(`${this.base}${path}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', accept: 'application/json' },
				body: JSON.stringify(body),
				signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS)
			});
		} catch {
			throw new Unreachable();
		}
		const text = await response.text().catch(() => '');
		if (response.ok) return { ok: true, body: JSON.parse(text) as T };
		const retryAfter = Number(response.headers.get('retry-after'));
		return {
			ok: false,
			status: response.status,
			error: parseError(text, response.status),
			retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined
		};
	}

	private setBusy(id: string, isBusy: boolean): void {
		if (isBusy) this.pending.add(id);
		else this.pending.delete(id);
	}

	private show(feedback: Feedback): void {
		this.feedback = feedback;
		clearTimeout(this.feedbackTimer);
		if (feedback.kind !== 'pending') {
			this.feedbackTimer = setTimeout(() => (this.feedback = null), FEEDBACK_MS);
		}
	}

	dismissFeedback(): void {
		clearTimeout(this.feedbackTimer);
		this.feedback = null;
	}

	private offerUndo(offer: UndoOffer | null): void {
		this.undoOffer = offer;
		clearTimeout(this.undoTimer);
		if (offer) this.undoTimer = setTimeout(() => (this.undoOffer = null), UNDO_MS);
	}

	private otherGate(attendee: { gate: string | null }): string | null {
		return this.gate && attendee.gate && attendee.gate !== this.gate ? attendee.gate : null;
	}

	/** One tap, one scan: checks the guest in, or queues it when the server cannot be reached. */
	async checkIn(attendee: Attendee): Promise<void> {
		if (!this.setup.canCheckIn || this.pending.has(attendee.id)) return;
		const scan: QueuedScan = {
			nonce: store.newNonce(),
			key: this.key,
			kind: 'checkin',
			id: attendee.id,
			gate: this.gate ?? undefined,
			scannedAt: isoNow(),
			order: store.nextOrder(),
			name: attendee.name
		};
		const goesOffline = !this.isOnline || !navigator.onLine || this.queue.length > 0;
		if (goesOffline && attendee.isCheckedIn) {
			// What the device knows is all there is: say who it was.
			this.offerUndo(null);
			this.show({
				kind: 'already',
				name: attendee.name,
				by: this.who(attendee.by),
				at: attendee.at,
				note: 'As last seen on this device'
			});
			return;
		}
		if (goesOffline) return this.queueScan(scan, attendee);

		this.setBusy(attendee.id, true);
		this.offerUndo(null);
		this.show({ kind: 'pending', name: attendee.name });
		try {
			const result = await this.call<ScanOutcome>('', {
				id: scan.id,
				nonce: scan.nonce,
				gate: scan.gate,
				scannedAt: scan.scannedAt
			});
			this.answerScan(result, scan, attendee.name);
		} catch (error) {
			if (!(error instanceof Unreachable)) throw error;
			this.isOnline = navigator.onLine;
			await this.queueScan(scan, attendee);
		} finally {
			this.setBusy(attendee.id, false);
		}
	}

	/**
	 * A ticket code from a hardware scanner (typed, then Enter), the camera, or the keyboard: an
	 * exact code on the list checks in; else the server is asked (the list may be older than the
	 * ticket); offline, a code not on the saved list is unknown.
	 */
	async submitCode(raw: string): Promise<void> {
		const code = raw.trim();
		if (!code) return;
		const attendee = this.book?.findByCode(code);
		if (attendee) return this.checkIn(attendee);
		if (!this.setup.canCheckIn) {
			this.show({ kind: 'unknown', code });
			return;
		}
		if (!this.isOnline || !navigator.onLine) {
			this.show({ kind: 'unknown', code, note: 'Not on the list saved on this device' });
			return;
		}
		const nonce = store.newNonce();
		this.offerUndo(null);
		this.show({ kind: 'pending', name: code });
		try {
			const result = await this.call<ScanOutcome>('', {
				code,
				nonce,
				gate: this.gate ?? undefined,
				scannedAt: isoNow()
			});
			const name = result.ok ? (result.body.attendee.name ?? code) : code;
			this.answerScan(
				result,
				{ nonce, id: result.ok ? result.body.attendee.id : '', kind: 'checkin' },
				name,
				code
			);
		} catch (error) {
			if (!(error instanceof Unreachable)) throw error;
			this.isOnline = navigator.onLine;
			this.show({ kind: 'unknown', code, note: 'Offline, and not on the list saved here' });
		}
	}

	/** The server's answer to a scan made now (not a synced one). */
	private answerScan(
		result: ApiResult<ScanOutcome>,
		scan: Pick<QueuedScan, 'nonce' | 'id' | 'kind'>,
		name: string,
		code?: string
	): void {
		if (!result.ok) {
			this.offerUndo(null);
			if (result.status === 404 && result.error.code === 'NOT_FOUND') {
				this.show({ kind: 'unknown', code: code ?? name });
				return;
			}
			if (result.status === 401) this.needsSignIn = true;
			this.show({ kind: 'error', message: result.error.message });
			return;
		}
		const outcome = result.body;
		this.learn(outcome);
		const attendeeName = outcome.attendee.name ?? name;
		if (outcome.status === 'checked_in') {
			this.show({
				kind: 'checked_in',
				name: attendeeName,
				isQueued: false,
				otherGate: this.otherGate(outcome.attendee),
				ticketType: outcome.attendee.ticketType
			});
			this.offerUndo({ id: outcome.attendee.id, name: attendeeName, nonce: scan.nonce });
		} else {
			this.offerUndo(null);
			this.show({
				kind: 'already',
				name: attendeeName,
				by: outcome.by ? this.whoNamed(outcome.by) : 'someone',
				at: outcome.at ? Date.parse(outcome.at) : null
			});
		}
	}

	private whoNamed(person: { id: string; name: string | null }): string {
		if (person.id === this.setup.me.id) return 'you';
		if (person.name && this.book && !this.book.users.get(person.id))
			this.book.users.set(person.id, person.name);
		return person.name ?? this.who(person.id);
	}

	/** Puts what the server said about a guest on the local list. */
	private learn(outcome: ScanOutcome | UndoOutcome): void {
		if (!this.book) return;
		if ('by' in outcome) {
			if (outcome.by?.name && !this.book.users.get(outcome.by.id))
				this.book.users.set(outcome.by.id, outcome.by.name);
			this.book.setCheckedIn(outcome.attendee.id, {
				isCheckedIn: true,
				at: outcome.at ? Date.parse(outcome.at) : null,
				by: outcome.by?.id ?? null
			});
		} else if (outcome.status === 'undone' || outcome.status === 'not_checked_in') {
			this.book.setCheckedIn(outcome.attendee.id, { isCheckedIn: false, at: null, by: null });
		}
		this.version += 1;
	}

	private async queueScan(scan: QueuedScan, attendee: Attendee): Promise<void> {
		try {
			await store.enqueue(scan);
		} catch {
			this.show({
				kind: 'error',
				message: 'Offline, and this device could not save the check-in. Try again when online.'
			});
			return;
		}
		this.queue = [...this.queue, scan];
		this.book?.setCheckedIn(
			scan.id,
			scan.kind === 'checkin'
				? { isCheckedIn: true, at: Date.parse(scan.scannedAt), by: this.setup.me.id }
				: { isCheckedIn: false, at: null, by: null }
		);
		this.version += 1;
		if (scan.kind === 'checkin') {
			this.show({
				kind: 'checked_in',
				name: attendee.name,
				isQueued: true,
				otherGate: this.otherGate(attendee),
				ticketType: attendee.ticketType
			});
			this.offerUndo({ id: attendee.id, name: attendee.name, nonce: scan.nonce });
		} else {
			this.offerUndo(null);
			this.show({ kind: 'undone', name: attendee.name, isQueued: true });
		}
		void this.sync();
	}

	/** Undo from the toast: the check-in just made. */
	async undoLast(): Promise<void> {
		const offer = this.undoOffer;
		if (!offer) return;
		this.offerUndo(null);
		const queued = this.queue.find((scan) => scan.nonce === offer.nonce);
		if (queued) {
			// Never left the device: forget it.
			await store.dequeue(queued.nonce).catch(() => undefined);
			this.queue = this.queue.filter((scan) => scan !== queued);
			this.book?.setCheckedIn(offer.id, { isCheckedIn: false, at: null, by: null });
			this.version += 1;
			this.show({ kind: 'undone', name: offer.name, isQueued: false });
			return;
		}
		const attendee = this.book?.get(offer.id);
		if (attendee) await this.undo(attendee);
	}

	/** Takes a guest's check-in back (own recent ones; editors and owners any). */
	async undo(attendee: Attendee): Promise<void> {
		if (this.pending.has(attendee.id)) return;
		const scan: QueuedScan = {
			nonce: store.newNonce(),
			key: this.key,
			kind: 'undo',
			id: attendee.id,
			scannedAt: isoNow(),
			order: store.nextOrder(),
			name: attendee.name
		};
		if (!this.isOnline || !navigator.onLine || this.queue.length > 0)
			return this.queueScan(scan, attendee);
		this.setBusy(attendee.id, true);
		try {
			const result = await this.call<UndoOutcome>('/undo', { id: scan.id, nonce: scan.nonce });
			if (!result.ok) {
				if (result.status === 401) this.needsSignIn = true;
				this.show({ kind: 'error', message: result.error.message });
				return;
			}
			this.learn(result.body);
			this.show({ kind: 'undone', name: attendee.name, isQueued: false });
		} catch (error) {
			if (!(error instanceof Unreachable)) throw error;
			this.isOnline = navigator.onLine;
			await this.queueScan(scan, attendee);
		} finally {
			this.setBusy(attendee.id, false);
		}
	}

	/**
	 * Sends the queue in order. Each answer updates the list; a guest someone else checked in
	 * first is reported with who and when. Stops (and retries later) while the server cannot be
	 * reached, is busy or wants a new sign-in.
	 */
	async sync(): Promise<void> {
		if (this.isSyncing || this.isStopped || !this.queue.length) return;
		if (!navigator.onLine) return;
		this.isSyncing = true;
		clearTimeout(this.retryTimer);
		let synced = 0;
		try {
			while (this.queue.length && !this.isStopped) {
				const scan = this.queue[0]!;
				let result: ApiResult<ScanOutcome | UndoOutcome>;
				try {
					result =
						scan.kind === 'checkin'
							? await this.call<ScanOutcome>('', {
									id: scan.id,
									nonce: scan.nonce,
									gate: scan.gate,
									scannedAt: scan.scannedAt
								})
							: await this.call<UndoOutcome>('/undo', { id: scan.id, nonce: scan.nonce });
				} catch (error) {
					if (!(error instanceof Unreachable)) throw error;
					this.isOnline = navigator.onLine;
					this.retryLater();
					return;
				}
				if (!result.ok && result.status === 401) {
					this.needsSignIn = true;
					return;
				}
				if (!result.ok && (result.status === 429 || result.status >= 500)) {
					this.retryLater(result.retryAfterSeconds);
					return;
				}
				this.isOnline = true;
				await store.dequeue(scan.nonce).catch(() => undefined);
				this.queue = this.queue.slice(1);
				synced += 1;
				this.report(scan, result);
			}
			this.retryMs = 1_000;
		} finally {
			this.isSyncing = false;
			if (synced) {
				this.syncNote = `Synced ${synced} offline ${synced === 1 ? 'change' : 'changes'}`;
				setTimeout(() => (this.syncNote = null), FEEDBACK_MS);
				// The server answered: a list that failed to load meanwhile can now.
				if (this.listError) void this.refreshList();
			}
		}
	}

	private retryLater(afterSeconds?: number): void {
		clearTimeout(this.retryTimer);
		const delay = afterSeconds ? afterSeconds * 1000 : this.retryMs;
		this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
		this.retryTimer = setTimeout(() => void this.sync(), delay);
	}

	/** What a synced scan turned out to be. Only surprises take over the feedback area. */
	private report(scan: QueuedScan, result: ApiResult<ScanOutcome | UndoOutcome>): void {
		if (!result.ok) {
			if (scan.kind === 'checkin') {
				this.book?.setCheckedIn(scan.id, { isCheckedIn: false, at: null, by: null });
				this.version += 1;
			}
			if (this.undoOffer?.nonce === scan.nonce) this.offerUndo(null);
			this.show(
				result.status === 404
					? {
							kind: 'unknown',
							code: scan.name,
							note: 'Synced: this guest is no longer on the list'
						}
					: { kind: 'error', message: `${scan.name}: ${result.error.message}` }
			);
			return;
		}
		const outcome = result.body;
		this.learn(outcome);
		// The toast's undo was for a check-in that turned out not to be this device's.
		if (outcome.status === 'already' && this.undoOffer?.nonce === scan.nonce) this.offerUndo(null);
		if (outcome.status === 'already' && !outcome.isReplay) {
			this.show({
				kind: 'already',
				name: outcome.attendee.name ?? scan.name,
				by: outcome.by ? this.whoNamed(outcome.by) : 'someone',
				at: outcome.at ? Date.parse(outcome.at) : null,
				note: 'Found when your offline check-in synced'
			});
		}
	}
}

function parseError(text: string, status: number): ApiError {
	try {
		const body = JSON.parse(text) as Partial<ApiError>;
		if (typeof body.message === 'string') {
			return { code: String(body.code ?? status), message: body.message, field: body.field };
		}
	} catch {
		// Not JSON: a proxy's page or an empty body.
	}
	return {
		code: String(status),
		message:
			status >= 500
				? 'The server had a problem. Try again in a moment.'
				: `The request failed (${status}).`
	};
}
