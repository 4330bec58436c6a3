// What the record-change event stream (GET /api/spaces/<space>/events, Server-Sent Events)
// sends, shared by the server that writes it and the browser feed that reads it.
import type { SheetChange } from './realtime/protocol';

/** SSE event names. Heartbeats are comment lines and carry no event. */
export const RecordEventName = {
	/** A record was created, updated or deleted; `data` is a RecordChangeEvent. */
	Change: 'change',
	/** Caught up: the backlog after Last-Event-ID (if any) was sent, live changes follow. */
	Ready: 'ready',
	/**
	 * The requested Last-Event-ID is older than the kept window (or from another log): changes
	 * were missed. Reload the data; live changes after this event's id follow.
	 */
	Reset: 'reset'
} as const;

export type RecordEventName = (typeof RecordEventName)[keyof typeof RecordEventName];

/**
 * A change as the SSE stream sends it: the socket's `SheetChange` with the type's key in place
 * of its id, and no Yjs bytes (an EventSource reads text).
 */
export type RecordChangeEvent = Omit<SheetChange, 'sheet' | 'update'> & {
	/** The record type's key. */
	type: string;
};

/** Event ids are `<milliseconds>-<sequence>`, the shape of Redis stream ids. */
export const eventIdPattern = /^\d{1,20}-\d{1,20}$/;
