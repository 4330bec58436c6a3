// Turns a view's config into the query string of `/api/spaces/<space>/rest/<type>`, in the
// PostgREST grammar the server parses (domain/query/postgrest.ts), so the grid asks the server
// for exactly what the view bar shows.
//
// What the server reads back is `serverFilter(config.filter)`, which runs the same SQL as the
// filter itself: the grammar has no substring operator, so `contains`/`starts_with` on text
// travel as `ilike` patterns with LIKE's special characters escaped. One thing the grammar
// cannot carry: PostgREST turns every `*` in a pattern into `%` and has no escape for it, so a
// literal `*` in a text filter travels as `_` (any one character).
import type { FilterCondition, FilterNode, SortKey } from './query/ast';
import type { Attribute } from './schema';
import type { ViewConfig } from './views';

export interface ViewQueryOptions {
	/**
	 * Sort by the group field first, so the rows of one group arrive together while the grid
	 * pages through them (default true). The view's own sort orders rows within each group.
	 */
	isGroupedFirst?: boolean;
	/** Attribute keys to return (`select=`); all when left out. */
	select?: string[];
	limit?: number;
	offset?: number;
}

/** Parameters the PostgREST parser reads as something other than a filter on a column. */
const reservedParameters = new Set([
	'select',
	'order',
	'limit',
	'offset',
	'or',
	'and',
	'not.or',
	'not.and',
	'search',
	'cursor',
	'columns',
	'on_conflict'
]);

const operandFree = new Set(['is_empty', 'is_not_empty']);

/** A condition still waiting for its value in the filter bar: the query leaves it out. */
export function isIncomplete(condition: FilterCondition): boolean {
	if (operandFree.has(condition.operator)) return false;
	const { value } = condition;
	return value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
}

/**
 * The filter without conditions waiting for a value and without groups left empty, or null
 * when nothing is left. What the view bar saves and what the query sends.
 */
export function completeFilter(node: FilterNode | null | undefined): FilterNode | null {
	if (!node) return null;
	if (node.type === 'condition') return isIncomplete(node) ? null : node;
	const children = node.children
		.map(completeFilter)
		.filter((child): child is FilterNode => child !== null);
	return children.length === 0 ? null : { ...node, children };
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (char) => `\\${char}`);
/** PostgREST reads `*` as `%` in patterns; `_` is the nearest it cannot misread. */
const starSafe = (pattern: string) => pattern.replaceAll('*', '_');

/** The condition as the server will parse it back: text matching becomes an ilike pattern. */
function serverCondition(condition: FilterCondition): FilterCondition {
	const { field, operator, value, negate } = condition;
	const flag = negate ? { negate: true } : {};
	switch (operator) {
		case 'is_empty':
		case 'is_not_empty': {
			const isEmpty = (operator === 'is_empty') !== Boolean(negate);
			return { type: 'condition', field, operator: isEmpty ? 'is_empty' : 'is_not_empty' };
		}
		case 'contains':
			if (Array.isArray(value)) return { type: 'condition', field, operator, value, ...flag };
			return {
				type: 'condition',
				field,
				operator: 'ilike',
				value: `%${starSafe(escapeLike(value ?? ''))}%`,
				...flag
			};
		case 'starts_with':
			return {
				type: 'condition',
				field,
				operator: 'ilike',
				value: `${starSafe(escapeLike(String(value ?? '')))}%`,
				...flag
			};
		case 'like':
		case 'ilike':
			return { type: 'condition', field, operator, value: starSafe(String(value ?? '')), ...flag };
		default:
			return { type: 'condition', field, operator, value, ...flag };
	}
}

function serverNode(node: FilterNode): FilterNode {
	if (node.type === 'condition') return serverCondition(node);
	return {
		type: node.type,
		children: node.children.map(serverNode),
		...(node.negate ? { negate: true } : {})
	};
}

/**
 * The filter as separate query parameters, which the parser ANDs back together: each
 * top-level condition its own `field=...`, each group an `or=(...)`/`and=(...)`. A condition on
 * a field named like one of the parser's own parameters goes inside `and=(...)`.
 */
function filterParts(filter: FilterNode): FilterNode[] {
	const parts = filter.type === 'and' && !filter.negate ? filter.children : [filter];
	return parts.map((part) =>
		part.type === 'condition' && reservedParameters.has(part.field)
			? { type: 'and', children: [part] }
			: part
	);
}

/**
 * The filter exactly as the server reads it back from `viewQueryParams`: complete conditions
 * only, text matching as ilike patterns, a lone top-level condition unwrapped.
 */
export function serverFilter(node: FilterNode | null | undefined): FilterNode | null {
	const complete = completeFilter(node);
	if (!complete) return null;
	const parts = filterParts(serverNode(complete));
	return parts.length === 1 ? parts[0]! : { type: 'and', children: parts };
}

const quote = (text: string) => `"${text.replace(/[\\"]/g, (char) => `\\${char}`)}"`;

/** `[not.]operator.operand`; in a tree (`or=(...)`) single operands are quoted. */
function conditionText(condition: FilterCondition, isInTree: boolean): string {
	const { operator, value, negate } = condition;
	const not = negate ? 'not.' : '';
	switch (operator) {
		case 'is_empty':
			return 'is.null';
		case 'is_not_empty':
			return 'not.is.null';
		case 'in': {
			const items = Array.isArray(value) ? value : [value ?? ''];
			return `${not}in.(${items.map(quote).join(',')})`;
		}
		case 'contains': {
			const items = Array.isArray(value) ? value : [value ?? ''];
			const array = `{${items.map(quote).join(',')}}`;
			return `${not}cs.${isInTree ? quote(array) : array}`;
		}
		default: {
			// Only eq, neq, lt, lte, gt, gte, like, ilike reach here (see serverCondition).
			const text = String(value ?? '');
			return `${not}${operator}.${isInTree ? quote(text) : text}`;
		}
	}
}

function treeText(node: FilterNode): string {
	if (node.type === 'condition') return `${node.field}.${conditionText(node, true)}`;
	return `${node.negate ? 'not.' : ''}${node.type}(${node.children.map(treeText).join(',')})`;
}

function appendFilter(params: URLSearchParams, node: FilterNode) {
	if (node.type === 'condition') {
		params.append(node.field, conditionText(node, false));
		return;
	}
	const key = `${node.negate ? 'not.' : ''}${node.type}`;
	params.append(key, `(${node.children.map(treeText).join(',')})`);
}

/**
 * The sort the server applies: the view's, with the group fields first (outermost first) when
 * grouping, each in the direction the view sorts it, ascending otherwise.
 */
export function viewSort(config: ViewConfig, options: ViewQueryOptions = {}): SortKey[] {
	const sort = config.sort ?? [];
	const groupBy = config.groupBy ?? [];
	if (groupBy.length === 0 || options.isGroupedFirst === false) return sort;
	const groups = groupBy.map(
		(field): SortKey => sort.find((key) => key.field === field) ?? { field, direction: 'asc' }
	);
	return [...groups, ...sort.filter((key) => !groupBy.includes(key.field))];
}

function orderText(sort: SortKey[]): string {
	return sort
		.map(
			(key) =>
				`${key.field}.${key.direction}${key.nulls ? (key.nulls === 'first' ? '.nullsfirst' : '.nullslast') : ''}`
		)
		.join(',');
}

/** The query parameters for `/api/spaces/<space>/rest/<type>` that show this view. */
export function viewQueryParams(
	config: ViewConfig,
	options: ViewQueryOptions = {}
): URLSearchParams {
	const params = new URLSearchParams();
	if (options.select) params.set('select', options.select.join(','));
	const complete = completeFilter(config.filter);
	if (complete) {
		for (const part of filterParts(serverNode(complete))) appendFilter(params, part);
	}
	const sort = viewSort(config, options);
	if (sort.length > 0) params.set('order', orderText(sort));
	const search = config.search?.trim();
	if (search) params.set('search', search);
	if (options.limit !== undefined) params.set('limit', String(options.limit));
	if (options.offset !== undefined) params.set('offset', String(options.offset));
	return params;
}

/** `viewQueryParams` as a query string without the leading `?`. */
export const viewQueryString = (config: ViewConfig, options?: ViewQueryOptions) =>
	viewQueryParams(config, options).toString();

/**
 * The view as the grid queries it: without a sort of its own, rows come in creation order
 * through the sheet's auto number (an index walk), so a new row lands at the end (of its
 * group, when grouped).
 */
export function effectiveConfig(
	config: ViewConfig,
	attributes: Pick<Attribute, 'key' | 'kind' | 'position'>[]
): ViewConfig {
	if (config.sort?.length) return config;
	const sequence = [...attributes]
		.sort((a, b) => a.position - b.position)
		.find((attribute) => attribute.kind === 'auto_number');
	return sequence ? { ...config, sort: [{ field: sequence.key, direction: 'asc' }] } : config;
}
