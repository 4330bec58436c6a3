// The record event log of the application context: in Redis when REDIS_URL is set (shared by
// every process), in-process otherwise, fed by every change published on the change bus.
import type { Redis } from 'ioredis';
import type { ChangeBus } from '../changes';
import { logChanges, type EventLog } from './event-log';
import { createMemoryEventLog } from './memory';
import { createRedisEventLog } from './redis';

export type { ChangeEvent, EventListener, EventLog, LoggedEvent, ReadResult } from './event-log';
export { toChangeEvent } from './event-log';
export { compareEventIds, parseEventId } from './event-id';
export { createMemoryEventLog } from './memory';
export { createRedisEventLog } from './redis';

export function createEventLog(options: {
	changes: ChangeBus;
	/** Events kept per space: how far back a reconnecting reader can resume. */
	maxEvents: number;
	redis?: Redis;
}): EventLog {
	const { changes, maxEvents, redis } = options;
	const log = redis
		? createRedisEventLog({ redis, maxEvents })
		: createMemoryEventLog({ maxEvents });
	const logging = logChanges(changes, log);
	return {
		append: log.append,
		read: log.read,
		subscribe: log.subscribe,
		async close() {
			await logging.stop();
			await log.close();
		}
	};
}
