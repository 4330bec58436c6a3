// The event log in Redis, shared by every process: one stream per space, appended with XADD and
// trimmed to about `maxEvents` entries (MAXLEN ~). Each process tails the streams of the spaces
// its readers follow with one blocking XREAD on one extra connection, whatever their number.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { redisKey } from '../adapters/redis/keys';
import { compareEventIds, parseEventId } from './event-id';
import type { ChangeEvent, EventListener, EventLog, LoggedEvent, ReadResult } from './event-log';
import { notify } from './event-log';

export interface RedisEventLogOptions {
	redis: Redis;
	maxEvents: number;
	/** How long one XREAD waits before it is issued again (a wake-up ends it sooner). */
	blockMs?: number;
}

type StreamEntry = [id: string, fields: string[]];

const READ_COUNT = 1000;
const RETRY_MS = 1000;
// The wake stream of a process that died without cleaning up expires on its own.
const WAKE_TTL_MS = 10 * 60 * 1000;

interface Tail {
	listeners: Set<EventListener>;
	/** The last id handed to the listeners; undefined until the subscription is set up. */
	cursor?: string;
	ready: Promise<void>;
}

/**
 * A stream is never left empty by trimming, but it may not exist yet (or Redis lost it). A
 * marker entry gives it a first id, so every reader gets a position it can resume from.
 */
const MARKER_FIELD = 'start';
const CHANGE_FIELD = 'change';

function decode(entries: StreamEntry[]): LoggedEvent[] {
	const events: LoggedEvent[] = [];
	for (const [id, fields] of entries) {
		const index = fields.indexOf(CHANGE_FIELD);
		if (index < 0 || index % 2 !== 0) continue;
		events.push({ id, change: JSON.parse(fields[index + 1]!) as ChangeEvent });
	}
	return events;
}

export function createRedisEventLog(options: RedisEventLogOptions): EventLog {
	const { redis, maxEvents } = options;
	const blockMs = options.blockMs ?? 10_000;
	const streamKey = (spaceId: string) => redisKey('events', spaceId);
	// XREAD also watches this process's own wake stream: adding to it ends a blocked read at
	// once, so a newly followed space is included without a race or a timeout.
	const wakeKey = redisKey('events-wake', randomUUID());
	const tails = new Map<string, Tail>();
	let reader: Redis | undefined;
	let loop: Promise<void> | undefined;
	let resumeIdle: (() => void) | undefined;
	let isClosed = false;

	async function exec(multi: ReturnType<Redis['multi']>): Promise<unknown[]> {
		const results = (await multi.exec()) ?? [];
		return results.map(([error, value]) => {
			if (error) throw error;
			return value;
		});
	}

	/** The stream's last id, creating the stream with a marker when it has none. */
	async function headOf(key: string): Promise<string> {
		const [last] = (await redis.xrevrange(key, '+', '-', 'COUNT', 1)) as StreamEntry[];
		if (last) return last[0];
		return (await redis.xadd(key, 'MAXLEN', '~', maxEvents, '*', MARKER_FIELD, '1'))!;
	}

	/** Each stream's oldest kept id (undefined when the stream is gone). */
	async function firstIds(keys: string[]): Promise<(string | undefined)[]> {
		const multi = redis.multi();
		for (const key of keys) multi.xrange(key, '-', '+', 'COUNT', 1);
		const results = (await exec(multi)) as StreamEntry[][];
		return results.map((entries) => entries[0]?.[0]);
	}

	async function wake(): Promise<void> {
		resumeIdle?.();
		await exec(
			redis.multi().xadd(wakeKey, 'MAXLEN', 1, '*', 'wake', '1').pexpire(wakeKey, WAKE_TTL_MS)
		);
	}

	async function tailStreams(blocking: Redis): Promise<void> {
		let wakeCursor = '0-0';
		while (!isClosed) {
			const followed = [...tails].filter(([, tail]) => tail.cursor !== undefined);
			if (!followed.length) {
				await new Promise<void>((resolve) => (resumeIdle = resolve));
				resumeIdle = undefined;
				continue;
			}
			const keys = new Map(followed.map(([spaceId]) => [streamKey(spaceId), spaceId]));
			let reply: [key: string, entries: StreamEntry[]][] | null;
			try {
				reply = (await blocking.xread(
					'COUNT',
					READ_COUNT,
					'BLOCK',
					blockMs,
					'STREAMS',
					...keys.keys(),
					wakeKey,
					...followed.map(([, tail]) => tail.cursor!),
					wakeCursor
				)) as [string, StreamEntry[]][] | null;
			} catch (error) {
				if (isClosed) return;
				console.error('Reading the record event streams from Redis failed; retrying', error);
				await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
				continue;
			}
			const read = (reply ?? []).filter(([key, entries]) => {
				if (key !== wakeKey) return entries.length > 0;
				wakeCursor = entries.at(-1)?.[0] ?? wakeCursor;
				return false;
			});
			if (!read.length) continue;
			let firstKept: (string | undefined)[];
			try {
				firstKept = await firstIds(read.map(([key]) => key));
			} catch (error) {
				if (isClosed) return;
				console.error('Reading the record event streams from Redis failed; retrying', error);
				await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
				continue;
			}
			read.forEach(([key, entries], index) => {
				const spaceId = keys.get(key)!;
				const tail = tails.get(spaceId);
				if (!tail?.cursor) return;
				// The tail may have been replaced while this read was out, with a later cursor.
				const fresh = entries.filter(([id]) => compareEventIds(id, tail.cursor!) > 0);
				if (!fresh.length) return;
				// Appends outran this reader and trimmed events it had not read yet. Skipping them
				// would be silent loss: end the subscriptions instead, and the readers' resume
				// finds their id outside the window and resets.
				const first = firstKept[index];
				if (!first || compareEventIds(tail.cursor, first) < 0) {
					tails.delete(spaceId);
					for (const listener of tail.listeners) listener.onClose();
					return;
				}
				tail.cursor = fresh.at(-1)![0];
				const events = decode(fresh);
				if (events.length) for (const listener of [...tail.listeners]) notify(listener, events);
			});
		}
	}

	/** Follows a space from its current last id; the tail is live once `ready` resolves. */
	function openTail(spaceId: string): Tail {
		const tail: Tail = { listeners: new Set(), ready: Promise.resolve() };
		tail.ready = (async () => {
			try {
				tail.cursor = await headOf(streamKey(spaceId));
				startTailing();
				await wake();
			} catch (error) {
				// The next subscriber tries afresh instead of inheriting this failure.
				if (tails.get(spaceId) === tail) tails.delete(spaceId);
				throw error;
			}
		})();
		return tail;
	}

	function startTailing(): void {
		if (loop) return;
		const blocking = redis.duplicate();
		reader = blocking;
		loop = tailStreams(blocking);
	}

	return {
		async append(spaceId, changes: ChangeEvent[]) {
			if (!changes.length) return;
			const multi = redis.multi();
			for (const change of changes) {
				multi.xadd(
					streamKey(spaceId),
					'MAXLEN',
					'~',
					maxEvents,
					'*',
					CHANGE_FIELD,
					JSON.stringify(change)
				);
			}
			await exec(multi);
		},

		async read(spaceId, afterId): Promise<ReadResult> {
			const key = streamKey(spaceId);
			if (afterId === undefined || !parseEventId(afterId)) {
				const head = await headOf(key);
				return afterId === undefined
					? { isReset: false, events: [], head }
					: { isReset: true, head };
			}
			// One transaction, so the window's ends and the events after `afterId` agree.
			const results = await redis
				.multi()
				.xrange(key, '-', '+', 'COUNT', 1)
				.xrevrange(key, '+', '-', 'COUNT', 1)
				.xrange(key, `(${afterId}`, '+')
				.exec();
			const [first, last, after] = (results ?? []) as [Error | null, StreamEntry[]][];
			if (first?.[0]) throw first[0];
			if (last?.[0]) throw last[0];
			const firstId = first?.[1][0]?.[0];
			const lastId = last?.[1][0]?.[0];
			// Trimming only drops the oldest entries, so an id at or after the first kept one has
			// lost nothing after it. Before it, events may be gone (or the stream was lost and made
			// anew); after the last one, the id was never ours. Either way the reader must reload.
			if (!firstId || !lastId) return { isReset: true, head: await headOf(key) };
			if (compareEventIds(afterId, firstId) < 0 || compareEventIds(afterId, lastId) > 0) {
				return { isReset: true, head: lastId };
			}
			if (after?.[0]) throw after[0];
			return { isReset: false, events: decode(after?.[1] ?? []), head: lastId };
		},

		async subscribe(spaceId, listener) {
			if (isClosed) throw new Error('The event log is closed');
			let tail = tails.get(spaceId);
			if (!tail) tails.set(spaceId, (tail = openTail(spaceId)));
			const current = tail;
			const unsubscribe = () => {
				current.listeners.delete(listener);
				if (current.listeners.size === 0 && tails.get(spaceId) === current) {
					tails.delete(spaceId);
				}
			};
			current.listeners.add(listener);
			try {
				await current.ready;
			} catch (error) {
				unsubscribe();
				throw error;
			}
			return unsubscribe;
		},

		async close() {
			if (isClosed) return;
			isClosed = true;
			resumeIdle?.();
			reader?.disconnect();
			await loop;
			await redis.del(wakeKey).catch(() => undefined);
			const all = [...tails.values()].flatMap((tail) => [...tail.listeners]);
			tails.clear();
			for (const listener of all) listener.onClose();
		}
	};
}
