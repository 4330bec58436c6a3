// The event log of a single process: the last `maxEvents` events of each space in memory.
// Same contract as the Redis log; used when REDIS_URL is unset.
import type { ChangeEvent, EventListener, EventLog, LoggedEvent, ReadResult } from './event-log';
import { notify } from './event-log';
import { parseEventId } from './event-id';

interface SpaceLog {
	events: { seq: number; event: LoggedEvent }[];
	/** The highest sequence number pushed out of the window (0: none yet). */
	droppedThrough: number;
}

export function createMemoryEventLog(options: { maxEvents: number }): EventLog {
	const { maxEvents } = options;
	// Ids carry the time this log started, so an id handed out before a restart (whose events
	// are gone with the process) is recognisably not one of ours.
	const epoch = BigInt(Date.now());
	let seq = 0;
	const spaces = new Map<string, SpaceLog>();
	const listeners = new Map<string, Set<EventListener>>();
	let isClosed = false;

	const idOf = (n: number) => `${epoch}-${n}`;

	return {
		async append(spaceId, changes: ChangeEvent[]) {
			if (isClosed) throw new Error('The event log is closed');
			if (!changes.length) return;
			let log = spaces.get(spaceId);
			if (!log) spaces.set(spaceId, (log = { events: [], droppedThrough: 0 }));
			const appended = changes.map((change) => {
				seq += 1;
				return { seq, event: { id: idOf(seq), change } };
			});
			log.events.push(...appended);
			const excess = log.events.length - maxEvents;
			if (excess > 0) log.droppedThrough = log.events.splice(0, excess).at(-1)!.seq;
			const events = appended.map((entry) => entry.event);
			for (const listener of [...(listeners.get(spaceId) ?? [])]) notify(listener, events);
		},

		async read(spaceId, afterId): Promise<ReadResult> {
			const head = idOf(seq);
			if (afterId === undefined) return { isReset: false, events: [], head };
			const after = parseEventId(afterId);
			const log = spaces.get(spaceId);
			// Ids are global to this log, so "after" may lie between two events of this space;
			// only an id that is ours, not ahead of us and not before a dropped event is exact.
			if (
				!after ||
				after.time !== epoch ||
				after.seq > BigInt(seq) ||
				after.seq < BigInt(log?.droppedThrough ?? 0)
			) {
				return { isReset: true, head };
			}
			const events = (log?.events ?? [])
				.filter((entry) => BigInt(entry.seq) > after.seq)
				.map((entry) => entry.event);
			return { isReset: false, events, head };
		},

		async subscribe(spaceId, listener) {
			if (isClosed) throw new Error('The event log is closed');
			let set = listeners.get(spaceId);
			if (!set) listeners.set(spaceId, (set = new Set()));
			set.add(listener);
			return () => {
				set.delete(listener);
				if (set.size === 0 && listeners.get(spaceId) === set) listeners.delete(spaceId);
			};
		},

		async close() {
			isClosed = true;
			const all = [...listeners.values()].flatMap((set) => [...set]);
			listeners.clear();
			for (const listener of all) listener.onClose();
		}
	};
}
