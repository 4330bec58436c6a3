// What the filter bar offers for each kind of field, in words people use ("is before",
// "has any of"), and how its editable rows map to the query AST. Each choice is one AST
// operator, possibly negated, and only operators the kind allows (filterOperatorsFor) appear.
import { filterOperatorsFor } from '$lib/domain/attributes';
import type { AttributeKindName } from '$lib/domain/attributes/kind';
import type { FilterCondition, FilterNode, FilterOperator } from '$lib/domain/query/ast';
import type { ViewField } from '$lib/domain/view-config';

/** What the value input of a condition looks like. */
export type ValueShape =
	'none' | 'text' | 'number' | 'date' | 'datetime' | 'choice' | 'choices' | 'ids';

export interface OperatorChoice {
	/** Stable id for the picker: operator, plus `!` when negated. */
	id: string;
	label: string;
	operator: FilterOperator;
	negate?: boolean;
	value: ValueShape;
	/** Fixed operand (checkbox "is checked"); the row shows no input. */
	fixedValue?: string;
	/** Offered only when a view already uses it (written by hand or through the API). */
	isAdvanced?: boolean;
}

type Family =
	| 'text'
	| 'number'
	| 'date'
	| 'datetime'
	| 'checkbox'
	| 'select'
	| 'multi'
	| 'user'
	| 'relation'
	| 'files';

const familyOf: Record<AttributeKindName, Family> = {
	text: 'text',
	long_text: 'text',
	email: 'text',
	phone: 'text',
	url: 'text',
	number: 'number',
	currency: 'number',
	percent: 'number',
	rating: 'number',
	auto_number: 'number',
	date: 'date',
	datetime: 'datetime',
	created_at: 'datetime',
	updated_at: 'datetime',
	checkbox: 'checkbox',
	single_select: 'select',
	multi_select: 'multi',
	user: 'user',
	created_by: 'user',
	updated_by: 'user',
	relation: 'relation',
	attachment: 'files'
};

const choice = (
	operator: FilterOperator,
	label: string,
	value: ValueShape,
	extra: Partial<OperatorChoice> = {}
): OperatorChoice => ({
	id: `${operator}${extra.negate ? '!' : ''}`,
	label,
	operator,
	value,
	...extra
});

const emptiness = [
	choice('is_empty', 'is empty', 'none'),
	choice('is_not_empty', 'is not empty', 'none')
];

const catalog: Record<Family, OperatorChoice[]> = {
	text: [
		choice('contains', 'contains', 'text'),
		choice('contains', 'does not contain', 'text', { negate: true }),
		choice('eq', 'is', 'text'),
		choice('eq', 'is not', 'text', { negate: true }),
		choice('starts_with', 'starts with', 'text'),
		...emptiness,
		choice('neq', 'differs from', 'text', { isAdvanced: true }),
		choice('ilike', 'matches pattern', 'text', { isAdvanced: true }),
		choice('like', 'matches pattern (case-sensitive)', 'text', { isAdvanced: true }),
		choice('lt', 'sorts before', 'text', { isAdvanced: true }),
		choice('gt', 'sorts after', 'text', { isAdvanced: true })
	],
	number: [
		choice('eq', '=', 'number'),
		choice('eq', '≠', 'number', { negate: true }),
		choice('lt', '<', 'number'),
		choice('lte', '≤', 'number'),
		choice('gt', '>', 'number'),
		choice('gte', '≥', 'number'),
		...emptiness,
		choice('neq', '≠ (has a value)', 'number', { isAdvanced: true })
	],
	date: [
		choice('eq', 'is', 'date'),
		choice('lt', 'is before', 'date'),
		choice('gt', 'is after', 'date'),
		choice('lte', 'is on or before', 'date'),
		choice('gte', 'is on or after', 'date'),
		...emptiness,
		choice('neq', 'is not', 'date', { isAdvanced: true })
	],
	datetime: [
		choice('lt', 'is before', 'datetime'),
		choice('gt', 'is after', 'datetime'),
		choice('lte', 'is at or before', 'datetime'),
		choice('gte', 'is at or after', 'datetime'),
		...emptiness,
		choice('eq', 'is exactly', 'datetime', { isAdvanced: true })
	],
	// A record without a value for the checkbox counts as unchecked: "not checked" is the
	// negation of "checked", not `eq false`, which would skip records never touched.
	checkbox: [
		choice('eq', 'is checked', 'none', { fixedValue: 'true' }),
		choice('eq', 'is not checked', 'none', { negate: true, fixedValue: 'true' })
	],
	select: [
		choice('eq', 'is', 'choice'),
		choice('eq', 'is not', 'choice', { negate: true }),
		choice('in', 'is any of', 'choices'),
		choice('in', 'is none of', 'choices', { negate: true }),
		...emptiness,
		choice('neq', 'is set and not', 'choice', { isAdvanced: true })
	],
	multi: [
		choice('in', 'has any of', 'choices'),
		choice('contains', 'has all of', 'choices'),
		choice('in', 'has none of', 'choices', { negate: true }),
		...emptiness
	],
	user: [
		choice('eq', 'is', 'choice'),
		choice('eq', 'is not', 'choice', { negate: true }),
		choice('in', 'is any of', 'choices'),
		...emptiness
	],
	relation: [
		choice('contains', 'links to', 'ids'),
		choice('contains', 'does not link to', 'ids', { negate: true }),
		...emptiness
	],
	files: [choice('is_not_empty', 'has files', 'none'), choice('is_empty', 'has no files', 'none')]
};

/** Choices for a field, allowed by its kind; advanced ones only when `current` is one. */
export function operatorChoices(
	kind: AttributeKindName,
	current?: OperatorChoice
): OperatorChoice[] {
	const allowed = filterOperatorsFor(kind);
	return catalog[familyOf[kind]].filter(
		(each) => allowed.includes(each.operator) && (!each.isAdvanced || each.id === current?.id)
	);
}

/** The choice a condition was made with; an unknown combination gets a plain label. */
export function choiceOf(kind: AttributeKindName, condition: FilterCondition): OperatorChoice {
	const id = `${condition.operator}${condition.negate ? '!' : ''}`;
	const known = catalog[familyOf[kind]].find((each) => each.id === id);
	if (known) return known;
	const isList = Array.isArray(condition.value);
	return choice(
		condition.operator,
		`${condition.negate ? 'not ' : ''}${condition.operator.replace('_', ' ')}`,
		operandFree.has(condition.operator) ? 'none' : isList ? 'choices' : 'text',
		{ negate: condition.negate, isAdvanced: true }
	);
}

const operandFree = new Set<FilterOperator>(['is_empty', 'is_not_empty']);

/** The operand shape a choice needs, emptied: '' for one value, [] for a list. */
function emptyValue(choice: OperatorChoice): string | string[] | undefined {
	if (choice.fixedValue !== undefined) return choice.fixedValue;
	if (choice.value === 'none') return undefined;
	return choice.value === 'choices' || choice.value === 'ids' ? [] : '';
}

/** Switches a condition to another choice, keeping the value where its shape still fits. */
export function withChoice(condition: FilterCondition, next: OperatorChoice): FilterCondition {
	const value = condition.value;
	let carried: string | string[] | undefined = emptyValue(next);
	if (next.fixedValue === undefined && next.value !== 'none') {
		const wantsList = Array.isArray(carried);
		if (wantsList && typeof value === 'string' && value !== '') carried = [value];
		else if (wantsList && Array.isArray(value)) carried = value;
		else if (!wantsList && typeof value === 'string') carried = value;
		else if (!wantsList && Array.isArray(value) && value.length > 0) carried = value[0]!;
	}
	return {
		type: 'condition',
		field: condition.field,
		operator: next.operator,
		...(carried !== undefined && { value: carried }),
		...(next.negate && { negate: true })
	};
}

/** A new condition on a field with the field's first (most common) choice. */
export function newCondition(field: ViewField): FilterCondition {
	const first = operatorChoices(field.kind)[0]!;
	return withChoice({ type: 'condition', field: field.key, operator: first.operator }, first);
}

/** The fields a filter can use: every field whose kind has operators. */
export const filterableFields = (fields: ViewField[]) =>
	fields.filter((field) => filterOperatorsFor(field.kind).length > 0);

// --- Editable shape --------------------------------------------------------------------------

/**
 * The filter bar edits one top-level group whose items are conditions or groups of conditions
 * (one level deep, like Airtable). Anything deeper, written through the API, is kept as an
 * opaque item the bar shows and can remove but does not edit.
 */
export interface FilterDraft {
	conjunction: 'and' | 'or';
	items: DraftItem[];
}

export type DraftItem =
	| { type: 'condition'; condition: FilterCondition }
	| { type: 'group'; conjunction: 'and' | 'or'; conditions: FilterCondition[] }
	| { type: 'opaque'; node: FilterNode };

export function toDraft(filter: FilterNode | null | undefined): FilterDraft {
	if (!filter) return { conjunction: 'and', items: [] };
	if (filter.type === 'condition')
		return { conjunction: 'and', items: [{ type: 'condition', condition: filter }] };
	if (filter.negate) return { conjunction: 'and', items: [{ type: 'opaque', node: filter }] };
	return {
		conjunction: filter.type,
		items: filter.children.map((child): DraftItem => {
			if (child.type === 'condition') return { type: 'condition', condition: child };
			const isFlat = !child.negate && child.children.every((each) => each.type === 'condition');
			return isFlat
				? {
						type: 'group',
						conjunction: child.type,
						conditions: child.children as FilterCondition[]
					}
				: { type: 'opaque', node: child };
		})
	};
}

export function fromDraft(draft: FilterDraft): FilterNode | null {
	const children = draft.items
		.map((item): FilterNode | null => {
			if (item.type === 'condition') return item.condition;
			if (item.type === 'opaque') return item.node;
			return item.conditions.length === 0
				? null
				: { type: item.conjunction, children: item.conditions };
		})
		.filter((child): child is FilterNode => child !== null);
	return children.length === 0 ? null : { type: draft.conjunction, children };
}
