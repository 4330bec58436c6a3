// The signed-in person's signals (domain/signals.ts) for every page of the app: one EventSource
// on GET /api/signals, opened by the app's frame. It keeps the inbox's unread count and passes
// comment and schema signals to whichever page listens. Signals say "look again": after the
// stream was away, listeners hear `resync` and read what they show again.
import { getContext, setContext } from 'svelte';
import { SignalEventName, type CommentsSignal, type InboxCount } from '$lib/domain/signals';

export type PageSignal =
	| CommentsSignal
	| { kind: 'schema'; spaceId: string }
	/** The stream came back after a break: signals may have been missed. */
	| { kind: 'resync' };

const CLOSED = 2;
const RETRY_MS = 5_000;
const key = Symbol('signals');

export class LiveSignals {
	unread = $state(0);
	private source: EventSource | null = null;
	private retry: ReturnType<typeof setTimeout> | undefined;
	private hasBroken = false;
	// Never rendered: a plain set.
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	private readonly listeners = new Set<(signal: PageSignal) => void>();

	/** `unread`: the count the page loaded with, shown until the stream sends its own. */
	constructor(
		unread = 0,
		private readonly url = '/api/signals'
	) {
		this.unread = unread;
	}

	start(): void {
		if (this.source) return;
		const source = new EventSource(this.url);
		this.source = source;
		source.addEventListener(SignalEventName.Inbox, (event) => {
			this.unread = (JSON.parse(event.data) as InboxCount).unread;
		});
		for (const name of [SignalEventName.Comments, SignalEventName.Schema]) {
			source.addEventListener(name, (event) =>
				this.emit({ kind: name, ...JSON.parse(event.data) } as PageSignal)
			);
		}
		source.addEventListener('open', () => {
			if (!this.hasBroken) return;
			this.hasBroken = false;
			this.emit({ kind: 'resync' });
		});
		source.addEventListener('error', () => {
			this.hasBroken = true;
			// The browser retries a dropped stream itself; a refused one (an HTTP error) it
			// closes for good, so try again later.
			if (source.readyState !== CLOSED) return;
			this.source = null;
			this.retry = setTimeout(() => this.start(), RETRY_MS);
		});
	}

	stop(): void {
		clearTimeout(this.retry);
		this.source?.close();
		this.source = null;
	}

	/** Calls `listener` with each comment and schema signal; returns how to stop. */
	on(listener: (signal: PageSignal) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	private emit(signal: PageSignal): void {
		for (const listener of this.listeners) listener(signal);
	}
}

/** Makes the frame's signals available to the pages below it. */
export function provideSignals(unread: number): LiveSignals {
	return setContext(key, new LiveSignals(unread));
}

/** The frame's signals; undefined outside the signed-in frame (the check-in desk, tests). */
export function useSignals(): LiveSignals | undefined {
	return getContext<LiveSignals | undefined>(key);
}
