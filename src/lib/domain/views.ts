// A saved view of a sheet, shared with the space: how the grid (or board) shows its records.
// The filter and sort are the same query AST every transport compiles to, so a view runs on
// the server exactly as the grid's filter bar built it.
import type { FilterNode, SortKey } from './query/ast';
import type { SummaryName } from './summaries';

export interface ViewConfig {
	filter?: FilterNode | null;
	sort?: SortKey[];
	/**
	 * Attribute keys to group rows by (grid), outermost first, at most `MAX_GROUP_LEVELS`.
	 * Views saved before grouping had levels hold one key (or null): `pruneViewConfig` and the
	 * config schema read those as a list of one.
	 */
	groupBy?: string[];
	/** Free-text search. */
	search?: string;
	/** Attribute keys not shown. */
	hidden?: string[];
	/** Column order by attribute key; keys missing here follow in schema order. */
	order?: string[];
	/** Column widths in px by attribute key. */
	widths?: Record<string, number>;
	/** Board: the single-select field whose options are the columns. */
	boardField?: string | null;
	/** Board: the fields shown on cards. */
	cardFields?: string[];
	/** Grid footer: the summary shown under each field, by attribute key. */
	summaries?: Record<string, SummaryName>;
}

export interface SavedView {
	id: string;
	entityTypeId: string;
	name: string;
	kind: 'grid' | 'board';
	config: ViewConfig;
	position: number;
	createdBy: string | null;
	updatedAt: string;
}
