// The query language every transport compiles into: PostgREST URLs, the grid's filter bar and
// the service API all end up as a `RecordQuery`. The SQL compiler on the server reads only this.

export const filterOperators = [
	'eq',
	'neq',
	'lt',
	'lte',
	'gt',
	'gte',
	'contains',
	'starts_with',
	'like',
	'ilike',
	'in',
	'is_empty',
	'is_not_empty'
] as const;

export type FilterOperator = (typeof filterOperators)[number];

export interface FilterCondition {
	type: 'condition';
	/** Attribute key, or `id`. */
	field: string;
	operator: FilterOperator;
	/**
	 * The operand as text, exactly as the user wrote it; the compiler parses it with the
	 * attribute kind's `parse`. `in` carries a list (an empty list matches nothing);
	 * `is_empty`/`is_not_empty` carry none. `like`/`ilike` carry a SQL LIKE pattern (`%`, `_`,
	 * `\` escapes): PostgREST's `*` wildcard has already become `%`. `contains` carries text
	 * (substring, from the filter bar) or a list (PostgREST `cs.{a,b}`: every listed value is
	 * present, for multi-value kinds).
	 */
	value?: string | string[];
	/** PostgREST's `not.` prefix. */
	negate?: boolean;
}

export interface FilterGroup {
	type: 'and' | 'or';
	children: FilterNode[];
	negate?: boolean;
}

export type FilterNode = FilterCondition | FilterGroup;

export interface SortKey {
	field: string;
	direction: 'asc' | 'desc';
	/** Defaults as in Postgres: nulls last for asc, nulls first for desc. */
	nulls?: 'first' | 'last';
}

export interface RecordQuery {
	/** Attribute keys to return; undefined means all. */
	select?: string[];
	filter?: FilterNode;
	sort?: SortKey[];
	/** Free-text search over the searchable attributes. */
	search?: string;
	limit?: number;
	offset?: number;
	/** Opaque keyset cursor from a previous page. */
	after?: string;
}

export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_SIZE = 100;
