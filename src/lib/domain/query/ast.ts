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
	'is_not_empty',
	// PostgREST's array and comparison operators (REST only; the filter bar offers none of them).
	'overlaps',
	'contained_by',
	'is_distinct',
	'matches',
	'imatches',
	// Full-text search: to_tsquery, plainto_, phraseto_ and websearch_to_tsquery.
	'fts',
	'plfts',
	'phfts',
	'wfts'
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
	/** The text-search configuration of a full-text operator: `fts(english).cat`. */
	language?: string;
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

/** A column of PostgREST's select, possibly renamed (`alias:field`) or cast (`field::text`). */
export interface SelectField {
	type: 'field';
	field: string;
	alias?: string;
	cast?: SelectCast;
}

export const selectCasts = ['text', 'integer', 'numeric'] as const;
export type SelectCast = (typeof selectCasts)[number];

/**
 * A related resource in the select (`customer(name)`), with its own query parameters
 * (`customer.name=eq.x`, `customer.order=...`, `customer.limit=...`).
 */
export interface SelectEmbed {
	type: 'embed';
	/** A link field of this type, or another type that links here. */
	name: string;
	alias?: string;
	/** `!hint`: the link field to go through when several could. */
	hint?: string;
	/** `!inner`: only parent records with a matching related record. */
	inner?: boolean;
	/** `...name(...)`: the related columns go into the parent row (to-one only). */
	spread?: boolean;
	/** Undefined means every column. */
	select?: SelectNode[];
	filter?: FilterNode;
	sort?: SortKey[];
	limit?: number;
	offset?: number;
}

export type SelectNode = SelectField | SelectEmbed | { type: 'all' };

/** How deep embeds may nest: `a(b(c(d)))` is three levels below the top. */
export const MAX_EMBED_DEPTH = 3;

export interface RecordQuery {
	/** Attribute keys to return; undefined means all. */
	select?: string[];
	/** The select as PostgREST wrote it, when it renames, casts or embeds. */
	shape?: SelectNode[];
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
