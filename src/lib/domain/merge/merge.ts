// What the merge page and the record page receive about merges and provenance.
import type { CellValue } from '../attributes/kind';
import type { AuditVia } from '../record-change';
import type { FieldChoice, MergeCandidate, ValueOrigin } from './survivorship';

/** Most records one merge takes: a cluster a steward can still compare side by side. */
export const MAX_MERGE_RECORDS = 10;

/** The records to merge, as the side-by-side page shows them. */
export interface MergePreview {
	candidates: (MergeCandidate & { seq: number })[];
	/** The record that survives unless the steward picks another. */
	survivorId: string;
	/** Per attribute key, the value survivorship picks by default (for that survivor). */
	choices: Record<string, FieldChoice>;
}

/** One merge as it stands: who merged what into which record, and whether it was undone. */
export interface MergeSummary {
	id: string;
	survivorId: string;
	mergedIds: string[];
	mergedAt: string;
	mergedBy: { id: string; name: string } | null;
	undoneAt: string | null;
}

export interface MergeResult {
	merge: MergeSummary;
	survivor: { id: string } & Record<string, CellValue>;
}

/** Where a record's value came from. */
export interface ValueProvenance extends ValueOrigin {
	key: string;
	actorName: string | null;
	/** The import that set it, when an import did. */
	importId: string | null;
	/** The merge that set it, when a merge did. */
	mergeId: string | null;
}

export interface RecordProvenance {
	fields: ValueProvenance[];
	/** Merges into this record that still stand, newest first. */
	merges: MergeSummary[];
}

/** How each way in reads where a value came from: "<label> by <who>". */
export const sourceLabels = {
	web: 'typed in the app',
	realtime: 'typed in the app',
	api: 'sent with an API token',
	import: 'imported from a file',
	checkin: 'set at the check-in desk',
	merge: 'kept by a merge',
	system: 'set by Roster'
} as const satisfies Record<AuditVia, string>;
