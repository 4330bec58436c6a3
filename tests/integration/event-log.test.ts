// One contract for the record event log, run over the in-process log and over Redis streams
// (the test Redis): numbering, resume after an id, the window, live subscriptions and, for
// Redis, a second process that reads and tails what the first appends.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { RecordChange } from '$lib/domain/record-change';
import { createChangeBus } from '$lib/server/changes';
import {
	compareEventIds,
	createEventLog,
	createMemoryEventLog,
	createRedisEventLog,
	type ChangeEvent,
	type EventLog,
	type LoggedEvent
} from '$lib/server/events';

const WINDOW = 100;

interface Fixture {
	log: EventLog;
	/** The same store seen from another process, or undefined when the log is per process. */
	otherProcess?: EventLog;
	close(): Promise<void>;
}

const redisUrl = inject('redisUrl');
const implementations = [
	{
		name: 'memory',
		isAvailable: true,
		async setup(): Promise<Fixture> {
			const log = createMemoryEventLog({ maxEvents: WINDOW });
			return { log, close: () => log.close() };
		}
	},
	{
		name: 'redis',
		// Redis runs only where REDIS_URL is set or redis-server is installed (.ci/run installs it).
		isAvailable: Boolean(redisUrl),
		async setup(): Promise<Fixture> {
			const first = new Redis(redisUrl!);
			const second = new Redis(redisUrl!);
			const log = createRedisEventLog({ redis: first, maxEvents: WINDOW });
			const otherProcess = createRedisEventLog({ redis: second, maxEvents: WINDOW });
			return {
				log,
				otherProcess,
				async close() {
					await log.close();
					await otherProcess.close();
					await first.quit();
					await second.quit();
				}
			};
		}
	}
];

const change = (name: string): ChangeEvent => ({
	entityId: randomUUID(),
	entityTypeId: 'type-1',
	entityTypeKey: 'people',
	action: 'update',
	values: { name },
	actorId: 'user-1',
	at: new Date().toISOString()
});

const names = (events: LoggedEvent[]) => events.map((event) => event.change.values.name);

function collector() {
	const received: LoggedEvent[] = [];
	let closed = 0;
	const waiters: { count: number; resolve: () => void }[] = [];
	return {
		received,
		closedCount: () => closed,
		listener: {
			onEvents(events: LoggedEvent[]) {
				received.push(...events);
				for (const waiter of waiters) if (received.length >= waiter.count) waiter.resolve();
			},
			onClose() {
				closed += 1;
			}
		},
		until(count: number) {
			return new Promise<void>((resolve) => {
				if (received.length >= count) return resolve();
				waiters.push({ count, resolve });
			});
		}
	};
}

describe.each(implementations)('$name event log', (implementation) => {
	describe.skipIf(!implementation.isAvailable)('contract', () => {
		let fixture: Fixture;
		let log: EventLog;
		let space: string;

		beforeAll(async () => {
			fixture = await implementation.setup();
			log = fixture.log;
		});
		afterAll(() => fixture?.close());

		// A fresh space per test: the stores outlive a test.
		const newSpace = () => (space = randomUUID());

		it('numbers events in order and resumes exactly after any id', async () => {
			newSpace();
			const start = await log.read(space);
			expect(start.isReset).toBe(false);
			await log.append(space, [change('a'), change('b')]);
			await log.append(space, [change('c')]);
			const all = await log.read(space, start.head);
			if (all.isReset) throw new Error('unexpected reset');
			expect(names(all.events)).toEqual(['a', 'b', 'c']);
			const ids = all.events.map((event) => event.id);
			expect([...ids].sort(compareEventIds)).toEqual(ids);
			expect(new Set(ids).size).toBe(3);
			expect(compareEventIds(all.head, ids[2]!)).toBeGreaterThanOrEqual(0);

			const rest = await log.read(space, ids[0]);
			expect(rest.isReset === false && names(rest.events)).toEqual(['b', 'c']);
			const none = await log.read(space, all.head);
			expect(none.isReset === false && none.events).toEqual([]);
		});

		it('keeps spaces apart', async () => {
			const other = randomUUID();
			newSpace();
			const start = await log.read(space);
			await log.append(other, [change('elsewhere')]);
			await log.append(space, [change('here')]);
			const read = await log.read(space, start.head);
			expect(read.isReset === false && names(read.events)).toEqual(['here']);
		});

		it('answers an id older than the window with a reset and a position to go on from', async () => {
			newSpace();
			const start = await log.read(space);
			await log.append(space, [change('first')]);
			const first = await log.read(space, start.head);
			if (first.isReset) throw new Error('unexpected reset');
			const firstId = first.events[0]!.id;
			// Redis trims whole nodes (MAXLEN ~), so go well past the window.
			for (let batch = 0; batch < 4; batch++) {
				await log.append(
					space,
					Array.from({ length: WINDOW }, (_, index) => change(`n${batch}-${index}`))
				);
			}
			const stale = await log.read(space, firstId);
			expect(stale.isReset).toBe(true);
			await log.append(space, [change('after reset')]);
			const resumed = await log.read(space, stale.head);
			expect(resumed.isReset === false && names(resumed.events)).toEqual(['after reset']);
		});

		it('answers an id it never gave out with a reset', async () => {
			newSpace();
			await log.append(space, [change('a')]);
			expect((await log.read(space, '99999999999999-0')).isReset).toBe(true);
			expect((await log.read(space, '1-0')).isReset).toBe(true);
		});

		it('hands live events to subscribers of the space, in order, until unsubscribed', async () => {
			newSpace();
			const here = collector();
			const elsewhere = collector();
			const unsubscribe = await log.subscribe(space, here.listener);
			const unsubscribeElsewhere = await log.subscribe(randomUUID(), elsewhere.listener);
			await log.append(space, [change('a'), change('b')]);
			await log.append(space, [change('c')]);
			await here.until(3);
			expect(names(here.received)).toEqual(['a', 'b', 'c']);
			unsubscribe();
			await log.append(space, [change('d')]);
			const later = collector();
			const unsubscribeLater = await log.subscribe(space, later.listener);
			await log.append(space, [change('e')]);
			await later.until(1);
			expect(names(later.received)).toEqual(['e']);
			expect(names(here.received)).toEqual(['a', 'b', 'c']);
			expect(elsewhere.received).toEqual([]);
			unsubscribeLater();
			unsubscribeElsewhere();
		});

		it('is shared between processes: one appends, the other reads and tails', async (context) => {
			if (!fixture.otherProcess) return context.skip('an in-process log has no other process');
			const other = fixture.otherProcess;
			newSpace();
			const start = await other.read(space);
			const tail = collector();
			const unsubscribe = await other.subscribe(space, tail.listener);
			// Within the window: a tail that falls further behind ends (the next test).
			const many = Array.from({ length: WINDOW - 10 }, (_, index) => change(`m${index}`));
			for (let index = 0; index < many.length; index += 10) {
				await log.append(space, many.slice(index, index + 10));
			}
			await tail.until(many.length);
			expect(names(tail.received)).toEqual(many.map((each) => each.values.name));
			const read = await other.read(space, start.head);
			expect(read.isReset === false && read.events.map((event) => event.id)).toEqual(
				tail.received.map((event) => event.id)
			);
			unsubscribe();
		});

		it('ends a subscriber that fell behind the window instead of skipping what it missed', async () => {
			newSpace();
			await log.read(space);
			const subscriber = collector();
			const unsubscribe = await (fixture.otherProcess ?? log).subscribe(space, subscriber.listener);
			const burst = Array.from({ length: WINDOW * 4 }, (_, index) => change(`b${index}`));
			// One append trims past the subscriber's position before it can read.
			await log.append(space, burst);
			await log.append(space, [change('after')]);
			await new Promise<void>((resolve) => {
				const check = setInterval(() => {
					if (subscriber.closedCount() > 0 || subscriber.received.length > burst.length) {
						clearInterval(check);
						resolve();
					}
				}, 10);
			});
			if (subscriber.closedCount() > 0) {
				expect(subscriber.received).toEqual([]);
			} else {
				expect(names(subscriber.received)).toEqual(
					[...burst, change('after')].map((each) => each.values.name)
				);
			}
			unsubscribe();
		});
	});
});

describe('the application event log', () => {
	it('logs what the change bus publishes, without the Yjs bytes', async () => {
		const changes = createChangeBus();
		const log = createEventLog({ changes, maxEvents: WINDOW });
		const spaceId = randomUUID();
		const start = await log.read(spaceId);
		const published: RecordChange = {
			spaceId,
			entityTypeId: 'type-1',
			entityTypeKey: 'people',
			entityId: randomUUID(),
			action: 'create',
			values: { name: 'Ada' },
			actorId: 'user-1',
			via: 'api',
			at: new Date().toISOString(),
			update: new Uint8Array([1, 2, 3])
		};
		changes.publish([published]);
		await log.close();
		const read = await log.read(spaceId, start.head);
		if (read.isReset) throw new Error('unexpected reset');
		expect(read.events.map((event) => event.change)).toEqual([
			{
				entityId: published.entityId,
				entityTypeId: 'type-1',
				entityTypeKey: 'people',
				action: 'create',
				values: { name: 'Ada' },
				actorId: 'user-1',
				at: published.at
			}
		]);
	});

	it('ends its subscriptions when it closes', async () => {
		const log = createEventLog({ changes: createChangeBus(), maxEvents: WINDOW });
		const subscriber = collector();
		await log.subscribe(randomUUID(), subscriber.listener);
		await log.close();
		expect(subscriber.closedCount()).toBe(1);
	});
});
