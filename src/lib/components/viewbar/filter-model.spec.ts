import { describe, expect, it } from 'vitest';
import { filterOperatorsFor } from '$lib/domain/attributes';
import { attributeKindNames } from '$lib/domain/attributes/kind';
import type { FilterNode } from '$lib/domain/query/ast';
import { viewConfigSchema } from '$lib/domain/view-config';
import {
	choiceOf,
	fromDraft,
	newCondition,
	operatorChoices,
	toDraft,
	withChoice
} from './filter-model';

describe('operatorChoices', () => {
	it('offers only operators the kind allows, each choice once', () => {
		for (const kind of attributeKindNames) {
			const choices = operatorChoices(kind);
			expect(choices.length).toBeGreaterThan(0);
			expect(new Set(choices.map((choice) => choice.id)).size).toBe(choices.length);
			for (const choice of choices) expect(filterOperatorsFor(kind)).toContain(choice.operator);
		}
	});

	it('hides advanced operators unless the condition already uses one', () => {
		expect(operatorChoices('text').map((choice) => choice.id)).not.toContain('ilike');
		const current = choiceOf('text', {
			type: 'condition',
			field: 'name',
			operator: 'ilike',
			value: 'a%'
		});
		expect(operatorChoices('text', current).map((choice) => choice.id)).toContain('ilike');
	});

	it('makes every new condition one the server accepts once it has a value', () => {
		for (const kind of attributeKindNames) {
			const field = { key: 'f', name: 'F', kind, options: {} };
			for (const choice of operatorChoices(kind)) {
				const condition = withChoice(newCondition(field), choice);
				const value =
					choice.value === 'none' || choice.fixedValue !== undefined
						? condition.value
						: choice.value === 'choices' || choice.value === 'ids'
							? []
							: '';
				expect(condition.value).toEqual(value);
				// Lists and single values have the shape the server's schema wants.
				const result = viewConfigSchema({ key: 's', attributes: [field] }).safeParse({
					filter: condition
				});
				const problems = result.success ? [] : result.error.issues.map((issue) => issue.message);
				expect(
					problems.filter((message) => /list|one value|left out|needed/.test(message))
				).toEqual([]);
			}
		}
	});
});

describe('withChoice', () => {
	const condition = { type: 'condition', field: 'status', operator: 'eq', value: 'Open' } as const;

	it('carries a single value into a list and back', () => {
		const any = operatorChoices('single_select').find((choice) => choice.id === 'in')!;
		const is = operatorChoices('single_select').find((choice) => choice.id === 'eq')!;
		const listed = withChoice(condition, any);
		expect(listed).toEqual({ type: 'condition', field: 'status', operator: 'in', value: ['Open'] });
		expect(withChoice(listed, is)).toEqual(condition);
	});

	it('drops the value for emptiness and sets the negation', () => {
		const empty = operatorChoices('single_select').find((choice) => choice.id === 'is_empty')!;
		const isNot = operatorChoices('single_select').find((choice) => choice.id === 'eq!')!;
		expect(withChoice(condition, empty)).toEqual({
			type: 'condition',
			field: 'status',
			operator: 'is_empty'
		});
		expect(withChoice(condition, isNot)).toEqual({ ...condition, negate: true });
	});

	it('checks a checkbox with a fixed value', () => {
		const [checked, unchecked] = operatorChoices('checkbox');
		const field = { key: 'vip', name: 'VIP', kind: 'checkbox' as const, options: {} };
		expect(withChoice(newCondition(field), unchecked!)).toEqual({
			type: 'condition',
			field: 'vip',
			operator: 'eq',
			value: 'true',
			negate: true
		});
		expect(checked!.label).toBe('is checked');
	});
});

describe('toDraft and fromDraft', () => {
	const a = { type: 'condition', field: 'a', operator: 'eq', value: '1' } as const;
	const b = { type: 'condition', field: 'b', operator: 'is_empty' } as const;

	it.each<[string, FilterNode]>([
		['a condition', { type: 'and', children: [a] }],
		['or at the top', { type: 'or', children: [a, b] }],
		['a group', { type: 'and', children: [a, { type: 'or', children: [a, b] }] }],
		[
			'a deeper tree kept whole',
			{
				type: 'and',
				children: [b, { type: 'or', children: [a, { type: 'and', children: [a, b] }] }]
			}
		],
		[
			'a negated group kept whole',
			{ type: 'and', children: [{ type: 'or', negate: true, children: [a] }] }
		]
	])('round-trips %s', (_name, filter) => {
		expect(fromDraft(toDraft(filter))).toEqual(filter);
	});

	it('wraps a lone condition and drops emptied groups', () => {
		expect(fromDraft(toDraft(a))).toEqual({ type: 'and', children: [a] });
		expect(
			fromDraft({
				conjunction: 'and',
				items: [{ type: 'group', conjunction: 'or', conditions: [] }]
			})
		).toBeNull();
		expect(toDraft(null)).toEqual({ conjunction: 'and', items: [] });
		expect(toDraft({ type: 'or', negate: true, children: [a] }).items[0]!.type).toBe('opaque');
	});
});
