// Live record changes over Server-Sent Events, for where the socket connection is not available:
// one EventSource per feed, resumed after any interruption from the last event id it saw, so no
// change is missed or seen twice. Read-only; writes go through the REST API. No Svelte here:
// a component wraps it and mirrors `onStatus` into its own state.
import {
	RecordEventName,
	type RecordChangeEvent,
	type RecordEventName as EventName
} from '$lib/domain/record-events';

export type SseFeedStatus = 'connecting' | 'open' | 'error' | 'closed';

/** The part of EventSource the feed uses, so tests and other runtimes can supply their own. */
export interface EventSourceLike {
	readonly readyState: number;
	addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void;
	close(): void;
}

export interface SseFeedOptions {
	/** The space's slug or id. */
	space: string;
	/** Record type keys to follow; all the caller may read when absent. */
	types?: string[];
	/** Resume after this id, e.g. one kept from an earlier page load. */
	lastEventId?: string;
	onChange(change: RecordChangeEvent): void;
	/**
	 * Changes were missed (away longer than the server keeps them): reload what is shown. The
	 * changes after the reset keep coming.
	 */
	onReset?(): void;
	onStatus?(status: SseFeedStatus): void;
	/** The app's origin; the page's own when absent. */
	baseUrl?: string;
	createEventSource?: (url: string) => EventSourceLike;
	/** First delay before reopening after the browser gave up (an HTTP error); doubles to 30 s. */
	retryMs?: number;
}

const CLOSED = 2;
const MAX_RETRY_MS = 30_000;

export class SseFeed {
	status: SseFeedStatus = 'closed';
	/** The last event id received: what a reconnect resumes after. */
	lastEventId: string | undefined;
	private source: EventSourceLike | undefined;
	private retryTimer: ReturnType<typeof setTimeout> | undefined;
	private retries = 0;

	constructor(private readonly options: SseFeedOptions) {
		this.lastEventId = options.lastEventId;
	}

	/** The stream's address, resuming after `lastEventId` when there is one. */
	get url(): string {
		const params = new URLSearchParams();
		if (this.options.types?.length) params.set('types', this.options.types.join(','));
		if (this.lastEventId) params.set('lastEventId', this.lastEventId);
		const query = params.size ? `?${params}` : '';
		const base = this.options.baseUrl?.replace(/\/$/, '') ?? '';
		return `${base}/api/spaces/${encodeURIComponent(this.options.space)}/events${query}`;
	}

	start(): void {
		if (this.source) return;
		clearTimeout(this.retryTimer);
		this.open();
	}

	close(): void {
		clearTimeout(this.retryTimer);
		this.retryTimer = undefined;
		this.source?.close();
		this.source = undefined;
		this.setStatus('closed');
	}

	private open(): void {
		this.retryTimer = undefined;
		const create =
			this.options.createEventSource ??
			((url: string) => {
				if (typeof EventSource === 'undefined') {
					throw new Error('EventSource is not available here: pass createEventSource');
				}
				return new EventSource(url) as EventSourceLike;
			});
		this.setStatus('connecting');
		const source = create(this.url);
		this.source = source;
		const on = (name: EventName, handle: (event: MessageEvent<string>) => void) =>
			source.addEventListener(name, (event) => {
				if (this.source !== source) return;
				// The browser resumes from its own copy of this id; the feed keeps one for when it
				// has to open a new EventSource itself.
				if (event.lastEventId) this.lastEventId = event.lastEventId;
				handle(event);
			});

		source.addEventListener('open', () => {
			if (this.source !== source) return;
			this.retries = 0;
			this.setStatus('open');
		});
		source.addEventListener('error', () => {
			if (this.source !== source) return;
			if (source.readyState !== CLOSED) {
				// A dropped connection: the browser reconnects with Last-Event-ID by itself.
				this.setStatus('connecting');
				return;
			}
			// An HTTP error (signed out, no access, server restarting): the browser gave up.
			source.close();
			this.source = undefined;
			this.setStatus('error');
			const delay = Math.min((this.options.retryMs ?? 1000) * 2 ** this.retries, MAX_RETRY_MS);
			this.retries += 1;
			this.retryTimer = setTimeout(() => this.open(), delay);
		});
		on(RecordEventName.Change, (event) => {
			this.options.onChange(JSON.parse(event.data) as RecordChangeEvent);
		});
		// Caught up: nothing to hand over, but its id is the position to resume from.
		on(RecordEventName.Ready, () => undefined);
		on(RecordEventName.Reset, () => this.options.onReset?.());
	}

	private setStatus(status: SseFeedStatus): void {
		if (this.status === status) return;
		this.status = status;
		this.options.onStatus?.(status);
	}
}
