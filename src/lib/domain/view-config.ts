// Checks a saved view's config against the sheet it belongs to, and drops what a schema change
// left behind. Isomorphic: the server refuses a bad config with an error naming the exact
// place (`filter.children.1.operator`), and the view bar can check the same rules before saving.
import { z } from 'zod';
import { isUuid } from './ids';
import { filterOperatorsFor, kindOf } from './attributes';
import type { AttributeKindName } from './attributes/kind';
import {
	filterOperators,
	type FilterCondition,
	type FilterNode,
	type FilterOperator,
	type SortKey
} from './query/ast';
import type { Attribute, EntityType } from './schema';
import type { ViewConfig } from './views';
import { isSummaryFor, summariesFor, type SummaryName } from './summaries';

/** What a config is checked against: the sheet's fields (an `EntityType` fits). */
export type ViewSheet = Pick<EntityType, 'key'> & { attributes: ViewField[] };

export type ViewField = Pick<Attribute, 'key' | 'name' | 'kind' | 'options'>;

export const MIN_COLUMN_WIDTH = 40;
export const MAX_COLUMN_WIDTH = 1000;
/** Kinds whose values make sensible groups (one value per record, few distinct values). */
export const groupableKinds: readonly AttributeKindName[] = [
	'text',
	'single_select',
	'checkbox',
	'user',
	'created_by',
	'updated_by'
];
/** Grouping levels a grid view can nest (Airtable and Teable stop at three as well). */
export const MAX_GROUP_LEVELS = 3;
export const MAX_FILTER_DEPTH = 4;
export const MAX_FILTER_CHILDREN = 50;
export const MAX_SORT_KEYS = 10;
const MAX_OPERAND_LENGTH = 1000;
const MAX_LIST_LENGTH = 500;

/** `id` is every record's own column: it filters and sorts like a field without a kind. */
const idOperators: readonly FilterOperator[] = ['eq', 'neq', 'in'];
/** Kinds stored as lists: `contains` takes items there, and a substring on text kinds. */
const listKinds = new Set<AttributeKindName>(['multi_select', 'relation', 'attachment']);
const operandFreeOperators = new Set<FilterOperator>(['is_empty', 'is_not_empty']);
/** Operators whose operand is a pattern or substring, never parsed as a value of the kind. */
const textMatchOperators = new Set<FilterOperator>(['like', 'ilike', 'starts_with']);

const operand = z
	.string({ error: 'must be text' })
	.max(MAX_OPERAND_LENGTH, `must be at most ${MAX_OPERAND_LENGTH} characters`);
const operandList = z
	.array(operand, { error: 'must be a list of text values' })
	.max(MAX_LIST_LENGTH, `must list at most ${MAX_LIST_LENGTH} values`);

const conditionShape = z.strictObject({
	type: z.literal('condition'),
	field: z.string({ error: 'must name a field' }).min(1, 'must name a field'),
	operator: z.enum(filterOperators, {
		error: `must be one of ${filterOperators.join(', ')}`
	}),
	value: z.union([operand, operandList], { error: 'must be text or a list of text' }).optional(),
	negate: z.boolean({ error: 'must be true or false' }).optional()
});

const groupShape = z.strictObject({
	type: z.enum(['and', 'or']),
	children: z
		.array(z.unknown(), { error: 'must be a list of conditions and groups' })
		.min(1, 'must hold at least one condition')
		.max(MAX_FILTER_CHILDREN, `must hold at most ${MAX_FILTER_CHILDREN} conditions`),
	negate: z.boolean({ error: 'must be true or false' }).optional()
});

type Path = (string | number)[];

const fieldLabel = (field: ViewField) => `${field.name} (${kindOf(field.kind).label})`;

function fieldIndex(sheet: ViewSheet): Map<string, ViewField> {
	return new Map(sheet.attributes.map((field) => [field.key, field]));
}

function checkCondition(
	condition: FilterCondition,
	fields: Map<string, ViewField>,
	sheetKey: string,
	report: (path: Path, message: string) => void
) {
	const { field: key, operator, value } = condition;
	const values = value === undefined ? [] : Array.isArray(value) ? value : [value];

	if (operandFreeOperators.has(operator)) {
		if (value !== undefined) report(['value'], `must be left out for "${operator}"`);
	} else if (value === undefined) {
		report(['value'], `is needed for "${operator}"`);
		return;
	}

	if (key === 'id') {
		if (!idOperators.includes(operator)) {
			report(['operator'], `"${operator}" does not apply to id; use ${idOperators.join(', ')}`);
			return;
		}
		if (operator === 'in' ? !Array.isArray(value) : typeof value !== 'string') {
			report(['value'], operator === 'in' ? 'must be a list of record ids' : 'must be one id');
			return;
		}
		values.forEach((each, index) => {
			if (!isUuid(each))
				report(operator === 'in' ? ['value', index] : ['value'], `"${each}" is not a record id`);
		});
		return;
	}

	const field = fields.get(key);
	if (!field) {
		report(['field'], `"${sheetKey}" has no field "${key}"`);
		return;
	}
	const allowed = filterOperatorsFor(field.kind);
	if (!allowed.includes(operator)) {
		report(
			['operator'],
			`"${operator}" does not apply to ${fieldLabel(field)}; use one of ${allowed.join(', ')}`
		);
		return;
	}
	if (operandFreeOperators.has(operator)) return;

	const isList = listKinds.has(field.kind);
	// Lists travel as lists (PostgREST's `in.(...)` and `cs.{...}`); a single text value for
	// `contains` is a substring, which only text kinds have.
	if ((operator === 'in' || (operator === 'contains' && isList)) && !Array.isArray(value)) {
		report(['value'], `must be a list for "${operator}" on ${field.name}`);
		return;
	}
	if (operator !== 'in' && Array.isArray(value) && !(operator === 'contains' && isList)) {
		report(['value'], `must be one value for "${operator}" on ${field.name}`);
		return;
	}
	// Substrings and LIKE patterns are text of their own; everything else must read as a value
	// of the field, exactly as the query compiler will read it.
	if (textMatchOperators.has(operator) || (operator === 'contains' && !isList)) return;
	const kind = kindOf(field.kind);
	const options = kind.optionsSchema.safeParse(field.options ?? {});
	if (!options.success) return;
	values.forEach((each, index) => {
		const parsed = kind.parse(each, options.data);
		if (!parsed.ok) {
			report(
				Array.isArray(value) ? ['value', index] : ['value'],
				`${field.name}: ${parsed.message}`
			);
		}
	});
}

function checkFilterNode(
	node: unknown,
	depth: number,
	fields: Map<string, ViewField>,
	sheetKey: string,
	report: (path: Path, message: string) => void
) {
	const type = (node as { type?: unknown } | null)?.type;
	const reshape = (result: { error: z.ZodError }) => {
		for (const issue of result.error.issues) report(issue.path as Path, issue.message);
	};
	if (type === 'condition') {
		const parsed = conditionShape.safeParse(node);
		if (!parsed.success) return reshape(parsed);
		checkCondition(parsed.data, fields, sheetKey, report);
		return;
	}
	if (type !== 'and' && type !== 'or') {
		report(['type'], 'must be "condition", "and" or "or"');
		return;
	}
	if (depth >= MAX_FILTER_DEPTH) {
		report([], `nests groups too deeply (at most ${MAX_FILTER_DEPTH} levels)`);
		return;
	}
	const parsed = groupShape.safeParse(node);
	if (!parsed.success) return reshape(parsed);
	parsed.data.children.forEach((child, index) =>
		checkFilterNode(child, depth + 1, fields, sheetKey, (path, message) =>
			report(['children', index, ...path], message)
		)
	);
}

/** Refines a list of keys: each names a field of the sheet, once. */
function fieldKeys(fields: Map<string, ViewField>, sheetKey: string) {
	return z.array(z.string({ error: 'must be field keys' })).superRefine((keys, context) => {
		const seen = new Set<string>();
		keys.forEach((key, index) => {
			if (!fields.has(key))
				context.addIssue({
					code: 'custom',
					path: [index],
					message: `"${sheetKey}" has no field "${key}"`
				});
			else if (seen.has(key))
				context.addIssue({ code: 'custom', path: [index], message: `lists "${key}" twice` });
			seen.add(key);
		});
	});
}

/** One field of the sheet, optionally restricted to some kinds. */
function fieldKey(
	fields: Map<string, ViewField>,
	sheetKey: string,
	kinds?: readonly AttributeKindName[],
	kindsText?: string
) {
	return z.string({ error: 'must be a field key' }).superRefine((key, context) => {
		const field = fields.get(key);
		if (!field)
			context.addIssue({ code: 'custom', message: `"${sheetKey}" has no field "${key}"` });
		else if (kinds && !kinds.includes(field.kind))
			context.addIssue({
				code: 'custom',
				message: `${fieldLabel(field)} cannot be used here; pick a ${kindsText} field`
			});
	});
}

/** The zod schema of a `ViewConfig` on this sheet; unknown properties are refused. */
export function viewConfigSchema(sheet: ViewSheet) {
	const fields = fieldIndex(sheet);
	const sortKey = z.strictObject({
		field: z.string({ error: 'must name a field' }).superRefine((key, context) => {
			if (key !== 'id' && !fields.has(key))
				context.addIssue({ code: 'custom', message: `"${sheet.key}" has no field "${key}"` });
		}),
		direction: z.enum(['asc', 'desc'], { error: 'must be asc or desc' }),
		nulls: z.enum(['first', 'last'], { error: 'must be first or last' }).optional()
	});
	const filter = z
		.unknown()
		.superRefine((node, context) =>
			checkFilterNode(node, 0, fields, sheet.key, (path, message) =>
				context.addIssue({ code: 'custom', path, message })
			)
		);
	return z.strictObject({
		filter: filter.nullable().optional() as unknown as z.ZodType<FilterNode | null | undefined>,
		sort: z
			.array(sortKey)
			.max(MAX_SORT_KEYS, `must have at most ${MAX_SORT_KEYS} keys`)
			.superRefine((keys: SortKey[], context) => {
				const seen = new Set<string>();
				keys.forEach((key, index) => {
					if (seen.has(key.field))
						context.addIssue({
							code: 'custom',
							path: [index, 'field'],
							message: `sorts by "${key.field}" twice`
						});
					seen.add(key.field);
				});
			})
			.optional(),
		groupBy: z
			.preprocess(
				groupLevels,
				z
					.array(fieldKey(fields, sheet.key, groupableKinds, 'text, select, checkbox or user'), {
						error: 'must be a list of field keys'
					})
					.max(MAX_GROUP_LEVELS, `must have at most ${MAX_GROUP_LEVELS} levels`)
					.superRefine((keys, context) => {
						keys.forEach((key, index) => {
							if (keys.indexOf(key) !== index)
								context.addIssue({
									code: 'custom',
									path: [index],
									message: `groups by "${key}" twice`
								});
						});
					})
			)
			.optional(),
		search: z
			.string({ error: 'must be text' })
			.max(200, 'must be at most 200 characters')
			.optional(),
		hidden: fieldKeys(fields, sheet.key).optional(),
		order: fieldKeys(fields, sheet.key).optional(),
		widths: z
			.record(
				z.string(),
				z
					.number({ error: 'must be a number of pixels' })
					.int('must be a whole number of pixels')
					.min(MIN_COLUMN_WIDTH, `must be between ${MIN_COLUMN_WIDTH} and ${MAX_COLUMN_WIDTH}`)
					.max(MAX_COLUMN_WIDTH, `must be between ${MIN_COLUMN_WIDTH} and ${MAX_COLUMN_WIDTH}`)
			)
			.superRefine((widths, context) => {
				for (const key of Object.keys(widths)) {
					if (!fields.has(key))
						context.addIssue({
							code: 'custom',
							path: [key],
							message: `"${sheet.key}" has no field "${key}"`
						});
				}
			})
			.optional(),
		boardField: fieldKey(fields, sheet.key, ['single_select'], 'single select')
			.nullable()
			.optional(),
		cardFields: fieldKeys(fields, sheet.key).optional(),
		summaries: z
			.record(z.string(), z.string({ error: 'must name a summary' }))
			.superRefine((summaries, context) => {
				for (const [key, name] of Object.entries(summaries)) {
					const field = fields.get(key);
					if (!field)
						context.addIssue({
							code: 'custom',
							path: [key],
							message: `"${sheet.key}" has no field "${key}"`
						});
					else if (!isSummaryFor(field.kind, name))
						context.addIssue({
							code: 'custom',
							path: [key],
							message: `${fieldLabel(field)} has no "${name}" summary; use ${summariesFor(field.kind).join(', ') || 'none'}`
						});
				}
			})
			.optional() as unknown as z.ZodType<Record<string, SummaryName> | undefined>
	}) satisfies z.ZodType<ViewConfig>;
}

/**
 * The grouping levels of a config as saved: a list now, one key (or null) in views saved
 * before there were levels. Anything else is left for the schema to refuse.
 */
export function groupLevels(groupBy: unknown): unknown {
	if (groupBy === null || groupBy === undefined || groupBy === '') return [];
	return typeof groupBy === 'string' ? [groupBy] : groupBy;
}

function pruneFilter(node: FilterNode, fields: Map<string, ViewField>): FilterNode | null {
	if (node.type === 'condition') {
		if (node.field === 'id') return node;
		const field = fields.get(node.field);
		return field && filterOperatorsFor(field.kind).includes(node.operator) ? node : null;
	}
	const children = node.children
		.map((child) => pruneFilter(child, fields))
		.filter((child): child is FilterNode => child !== null);
	return children.length === 0 ? null : { ...node, children };
}

/**
 * The config without what no longer fits the sheet: fields deleted or changed to another kind
 * since the view was saved. A view keeps working after a schema change instead of failing.
 */
export function pruneViewConfig(config: ViewConfig, sheet: ViewSheet): ViewConfig {
	const fields = fieldIndex(sheet);
	const has = (key: string) => fields.has(key);
	const pruned: ViewConfig = { ...config };
	if (config.filter) pruned.filter = pruneFilter(config.filter, fields);
	if (config.sort) pruned.sort = config.sort.filter((key) => key.field === 'id' || has(key.field));
	if ('groupBy' in config) {
		const levels = groupLevels(config.groupBy);
		pruned.groupBy = (Array.isArray(levels) ? levels : [])
			.filter((key, index, all): key is string => {
				const kind = typeof key === 'string' ? fields.get(key)?.kind : undefined;
				return Boolean(kind && groupableKinds.includes(kind)) && all.indexOf(key) === index;
			})
			.slice(0, MAX_GROUP_LEVELS);
	}
	if (config.hidden) pruned.hidden = config.hidden.filter(has);
	if (config.order) pruned.order = config.order.filter(has);
	if (config.widths)
		pruned.widths = Object.fromEntries(Object.entries(config.widths).filter(([key]) => has(key)));
	if (config.boardField && fields.get(config.boardField)?.kind !== 'single_select')
		pruned.boardField = null;
	if (config.cardFields) pruned.cardFields = config.cardFields.filter(has);
	if (config.summaries)
		pruned.summaries = Object.fromEntries(
			Object.entries(config.summaries).filter(([key, name]) => {
				const field = fields.get(key);
				return field !== undefined && isSummaryFor(field.kind, name);
			})
		);
	return pruned;
}

/** Conditions in a filter tree: what the filter button's badge counts. */
export function countConditions(node: FilterNode | null | undefined): number {
	if (!node) return 0;
	return node.type === 'condition'
		? 1
		: node.children.reduce((sum, child) => sum + countConditions(child), 0);
}
