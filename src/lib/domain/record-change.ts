// A change to a record, as the write path commits it. It leaves the server only in narrower
// shapes: the socket's `SheetChange` (realtime/protocol.ts) and the SSE stream's
// `RecordChangeEvent` (record-events.ts) derive from it in what they show, and never carry `via`.
import type { CellValue } from './attributes/kind';

/** How a change came in; the audit log records it beside who made it. */
export type AuditVia = 'web' | 'api' | 'realtime' | 'import' | 'checkin' | 'system' | 'merge';

export type RecordAction = 'create' | 'update' | 'delete';

export interface RecordChange {
	spaceId: string;
	entityTypeId: string;
	entityTypeKey: string;
	entityId: string;
	action: RecordAction;
	/** The values that changed, keyed by attribute key (all values for a create). */
	values: Record<string, CellValue>;
	actorId: string;
	via: AuditVia;
	at: string;
	/**
	 * The Yjs update that brought the record's stored doc to these values, when it has one.
	 * Live clients apply it; it never leaves the server in any other form.
	 */
	update?: Uint8Array;
	/** On a delete: the record this one was merged into, so open grids and pages can say so. */
	mergedInto?: string;
	/**
	 * On a move: the record's new place among its sheet's records (`entities.position`), which
	 * orders a board's columns. Null when the move renumbered the column, changing other
	 * records' places without changes of their own: whoever holds places reads them again.
	 * Absent on every other change, which leaves the record's place as it was.
	 */
	position?: number | null;
	/**
	 * Values this live edit set that lost at once to a concurrent value its writer had not seen;
	 * the update holds them emptied. Travels only with the update, to the clients holding the
	 * doc, whose writer of the kept value is told (the "theirs / mine" prompt).
	 */
	lost?: Record<string, CellValue>;
}
