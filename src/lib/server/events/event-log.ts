// The log of record changes per space that the SSE endpoint serves from: numbered events kept
// for a window, so a client that reconnects with its last event id gets exactly what it missed.
// Implementations: in-process (one server) and Redis streams (several processes).
import type { RecordChange } from '$lib/domain/record-change';
import type { ChangeBus } from '../changes';

/** A record change as the log keeps it: what a reader may be shown, never the Yjs bytes. */
export type ChangeEvent = Omit<RecordChange, 'spaceId' | 'via' | 'update'>;

export interface LoggedEvent {
	/** `<milliseconds>-<sequence>`, increasing within a space. */
	id: string;
	change: ChangeEvent;
}

export type ReadResult =
	/** Every event after the given id (none when no id was given), and the log's position. */
	| { isReset: false; events: LoggedEvent[]; head: string }
	/** The given id is not one the log can continue from: events after it are gone. */
	| { isReset: true; head: string };

export interface EventListener {
	/** Events appended after the subscription started, in order. Must not throw. */
	onEvents(events: LoggedEvent[]): void;
	/**
	 * The subscription ended: the log closed, or the listener fell so far behind that events it
	 * had not received left the window. No more events will come; a reader resumes by reading
	 * after its last id, which then tells it to reset if anything was lost.
	 */
	onClose(): void;
}

export interface EventLog {
	append(spaceId: string, changes: ChangeEvent[]): Promise<void>;
	/**
	 * Events after `afterId`. `head` is the id of the log's last position: reading after it later
	 * gives everything appended since, for as long as the window still holds it.
	 */
	read(spaceId: string, afterId?: string): Promise<ReadResult>;
	/**
	 * Resolves once every event appended from then on will reach the listener, in order, or the
	 * subscription ends (`onClose`); none is skipped. Some appended just before may come too:
	 * readers skip ids they already have. Returns the unsubscribe.
	 */
	subscribe(spaceId: string, listener: EventListener): Promise<() => void>;
	/** Waits for pending appends, ends every subscription and releases connections. */
	close(): Promise<void>;
}

/** Picks what a reader may see; `update` (Yjs bytes) and `via` stay on the server. */
export function toChangeEvent(change: RecordChange): ChangeEvent {
	return {
		entityId: change.entityId,
		entityTypeId: change.entityTypeId,
		entityTypeKey: change.entityTypeKey,
		action: change.action,
		values: change.values,
		actorId: change.actorId,
		at: change.at,
		...(change.mergedInto ? { mergedInto: change.mergedInto } : {}),
		...(change.position !== undefined ? { position: change.position } : {})
	};
}

/** Calls a listener without letting its failure reach the log or the other listeners. */
export function notify(listener: EventListener, events: LoggedEvent[]): void {
	try {
		listener.onEvents(events);
	} catch (error) {
		console.error('An event log listener failed', error);
	}
}

/**
 * Appends every change published on the bus, per space and in publish order. `stop` detaches
 * from the bus and waits for the appends still in flight.
 */
export function logChanges(bus: ChangeBus, log: EventLog): { stop(): Promise<void> } {
	const pending = new Set<Promise<void>>();
	const unsubscribe = bus.subscribe((changes) => {
		const bySpace = new Map<string, ChangeEvent[]>();
		for (const change of changes) {
			const events = bySpace.get(change.spaceId) ?? [];
			events.push(toChangeEvent(change));
			bySpace.set(change.spaceId, events);
		}
		for (const [spaceId, events] of bySpace) {
			// The write is committed already; a failure here costs live readers this change (they
			// see it on their next reload), it cannot fail the write.
			const append = log
				.append(spaceId, events)
				.catch((error) => console.error('Appending record changes to the event log failed', error))
				.finally(() => pending.delete(append));
			pending.add(append);
		}
	});
	return {
		async stop() {
			unsubscribe();
			await Promise.all(pending);
		}
	};
}
