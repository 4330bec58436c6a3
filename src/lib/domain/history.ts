// A record's change history as the record page receives it (GET .../records/<id>/history),
// read from the audit log by services/history.ts.
import type { AttributeKindName } from './attributes/kind';
import type { AuditVia, RecordAction } from './record-change';

export interface HistoryEntry {
	/** The newest audit row of the entry: entries are ordered by it, newest first. */
	id: number;
	/** The audit row whose old value a restore writes back; null when the entry has none. */
	restoreId: number | null;
	at: string;
	/** When the first edit of a merged run was made (equals `at` for a single edit). */
	since: string;
	/** Null when the user is gone (or no longer shares a space with the caller). */
	actor: { id: string; name: string } | null;
	via: AuditVia;
	/** A merge names its merge in `newValue` ({ mergeId, mergedIds } or { mergeId, mergedInto }). */
	action: RecordAction | 'merge' | 'unmerge';
	/** Null for a whole-record entry (create). */
	field: { key: string; name: string; kind: AttributeKindName | null } | null;
	oldValue: unknown;
	newValue: unknown;
	/** How many audit rows the entry stands for: typing in a long text merges into one entry. */
	edits: number;
}

export interface HistoryPage {
	entries: HistoryEntry[];
	/** Pass as `before` for the next (older) page; null at the beginning of the record. */
	nextCursor: number | null;
}
