// A saved view of a sheet, shared with the space: how the grid (or board) shows its records.
// The filter and sort are the same query AST every transport compiles to, so a view runs on
// the server exactly as the grid's filter bar built it.
import type { FilterNode, SortKey } from './query/ast';
import type { SummaryName } from './summaries';

export interface ViewConfig {
	filter?: FilterNode | null;
	sort?: SortKey[];
	/** Attribute key to group rows by (grid), or null. */
	groupBy?: string | null;
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
