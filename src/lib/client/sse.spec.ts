import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RecordChangeEvent } from '$lib/domain/record-events';
import { SseFeed, type EventSourceLike, type SseFeedStatus } from './sse';

/** Stands in for the browser's EventSource: the test plays the server's side. */
class FakeEventSource implements EventSourceLike {
	readyState = 0;
	isClosed = false;
	private listeners = new Map<string, ((event: MessageEvent<string>) => void)[]>();

	constructor(readonly url: string) {}

	addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void {
		this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
	}

	close(): void {
		this.readyState = 2;
		this.isClosed = true;
	}

	emit(type: string, init: { data?: string; lastEventId?: string } = {}): void {
		const event = new MessageEvent<string>(type, {
			data: init.data ?? '',
			lastEventId: init.lastEventId ?? ''
		});
		for (const listener of this.listeners.get(type) ?? []) listener(event);
	}

	open(): void {
		this.readyState = 1;
		this.emit('open');
	}
}

const change = (id: string): RecordChangeEvent => ({
	id,
	type: 'attendees',
	action: 'update',
	values: { name: id },
	by: 'user-1',
	at: '2026-01-01T00:00:00.000Z'
});

describe('SseFeed', () => {
	let sources: FakeEventSource[];
	let changes: RecordChangeEvent[];
	let statuses: SseFeedStatus[];
	let resets: number;

	const feed = (options: { types?: string[]; lastEventId?: string; baseUrl?: string } = {}) =>
		new SseFeed({
			space: 'demo festival',
			...options,
			onChange: (received) => changes.push(received),
			onReset: () => (resets += 1),
			onStatus: (status) => statuses.push(status),
			createEventSource: (url) => {
				const source = new FakeEventSource(url);
				sources.push(source);
				return source;
			},
			retryMs: 100
		});

	beforeEach(() => {
		vi.useFakeTimers();
		sources = [];
		changes = [];
		statuses = [];
		resets = 0;
	});
	afterEach(() => vi.useRealTimers());

	it('asks for the space and types, resuming after a given id', () => {
		feed({
			types: ['attendees', 'vendors'],
			lastEventId: '17-3',
			baseUrl: 'https://x.test/'
		}).start();
		const url = new URL(sources[0]!.url);
		expect(url.origin + url.pathname).toBe('https://x.test/api/spaces/demo%20festival/events');
		expect(url.searchParams.get('types')).toBe('attendees,vendors');
		expect(url.searchParams.get('lastEventId')).toBe('17-3');
		feed().start();
		expect(sources[1]!.url).toBe('/api/spaces/demo%20festival/events');
	});

	it('hands each change over, remembers its id and reports the status', () => {
		const subject = feed();
		subject.start();
		expect(subject.status).toBe('connecting');
		sources[0]!.open();
		sources[0]!.emit('ready', { data: '{}', lastEventId: '5-0' });
		expect(subject.lastEventId).toBe('5-0');
		sources[0]!.emit('change', { data: JSON.stringify(change('a')), lastEventId: '5-1' });
		sources[0]!.emit('change', { data: JSON.stringify(change('b')), lastEventId: '5-2' });
		expect(changes).toEqual([change('a'), change('b')]);
		expect(subject.lastEventId).toBe('5-2');
		expect(statuses).toEqual(['connecting', 'open']);
	});

	it('tells the caller to reload on reset and keeps the reset position', () => {
		const subject = feed({ lastEventId: '1-0' });
		subject.start();
		sources[0]!.emit('reset', { data: '{}', lastEventId: '9-4' });
		expect(resets).toBe(1);
		expect(subject.lastEventId).toBe('9-4');
	});

	it('leaves a dropped connection to the browser, which resumes by itself', () => {
		feed().start();
		sources[0]!.open();
		sources[0]!.readyState = 0;
		sources[0]!.emit('error');
		expect(statuses.at(-1)).toBe('connecting');
		vi.advanceTimersByTime(60_000);
		expect(sources).toHaveLength(1);
	});

	it('reopens after the browser gave up, from the last id it saw, backing off', () => {
		const subject = feed({ types: ['attendees'] });
		subject.start();
		sources[0]!.open();
		sources[0]!.emit('change', { data: JSON.stringify(change('a')), lastEventId: '7-1' });
		sources[0]!.close();
		sources[0]!.emit('error');
		expect(subject.status).toBe('error');
		vi.advanceTimersByTime(100);
		expect(sources).toHaveLength(2);
		expect(new URL(sources[1]!.url, 'http://x').searchParams.get('lastEventId')).toBe('7-1');
		sources[1]!.close();
		sources[1]!.emit('error');
		vi.advanceTimersByTime(199);
		expect(sources).toHaveLength(2);
		vi.advanceTimersByTime(1);
		expect(sources).toHaveLength(3);
	});

	it('stops for good on close, ignoring what the old source still sends', () => {
		const subject = feed();
		subject.start();
		sources[0]!.open();
		subject.close();
		expect(sources[0]!.isClosed).toBe(true);
		sources[0]!.emit('change', { data: JSON.stringify(change('late')), lastEventId: '8-0' });
		sources[0]!.emit('error');
		vi.advanceTimersByTime(60_000);
		expect(changes).toEqual([]);
		expect(sources).toHaveLength(1);
		expect(subject.status).toBe('closed');
	});
});
