import { describe, expect, it } from 'vitest';
import { kinds } from '$lib/domain/attributes';
import { attributeKindNames } from '$lib/domain/attributes/kind';
import { toGridField } from '$lib/client/grid/fields';
import { describeValue } from '$lib/components/record/values';
import { kindViews, opensPicker } from './registry';

const field = (kind: (typeof attributeKindNames)[number], options: Record<string, unknown> = {}) =>
	toGridField({
		id: kind,
		key: kind,
		name: kind,
		kind,
		options,
		position: 0,
		isRequired: false,
		isUnique: false
	});

describe('kindViews', () => {
	it('gives the record page an editor for every kind a person can write, and none for computed kinds', () => {
		for (const name of attributeKindNames) {
			expect(kindViews[name].Input === null, name).toBe(kinds[name].storage === null);
		}
	});

	it('opens a picker for choices, people, dates, links and files, and a text box for typed kinds', () => {
		for (const name of ['single_select', 'multi_select', 'user', 'date', 'relation'] as const) {
			expect(opensPicker(name, null), name).toBe(true);
			expect(opensPicker(name, 'a'), name).toBe(true);
		}
		for (const name of ['text', 'number', 'email', 'long_text', 'datetime'] as const) {
			expect(opensPicker(name, null), name).toBe(false);
		}
	});

	it('rates with stars, but a digit typed over a rating goes to the text box', () => {
		expect(opensPicker('rating', null)).toBe(true);
		expect(opensPicker('rating', '3')).toBe(false);
	});

	it('names the choices kinds and the people kinds', () => {
		const withChoices = attributeKindNames.filter((name) => kindViews[name].choices !== null);
		expect(withChoices).toEqual(['single_select', 'multi_select']);
		expect(kindViews.multi_select.choices).toBe('many');
		const people = attributeKindNames.filter((name) => kindViews[name].isPerson);
		expect(people).toEqual(['user', 'created_by', 'updated_by']);
	});
});

describe('describeValue', () => {
	const members = [{ userId: 'u1', name: 'Ada Lovelace', email: 'ada@example.test' }];

	it('puts values in words the way a person reads them', () => {
		expect(describeValue(field('checkbox'), true, members)).toBe('Checked');
		expect(describeValue(field('checkbox'), false, members)).toBe('Unchecked');
		expect(describeValue(field('user'), 'u1', members)).toBe('Ada Lovelace');
		expect(describeValue(field('updated_by'), 'u9', members)).toBe('Unknown user');
		expect(describeValue(field('relation'), ['a'], members)).toBe('1 linked record');
		expect(describeValue(field('relation'), ['a', 'b'], members)).toBe('2 linked records');
		expect(describeValue(field('rating', { max: 5 }), 3, members)).toBe('★★★☆☆');
		const files = [{ key: 'k', name: 'plan.pdf', size: 1, contentType: 'application/pdf' }];
		expect(describeValue(field('attachment'), files, members)).toBe('plan.pdf');
	});

	it('falls back to the kind’s format, and says nothing for empty values', () => {
		expect(describeValue(field('multi_select'), ['A', 'B'], members)).toBe('A, B');
		expect(describeValue(field('text'), '', members)).toBe('');
		expect(describeValue(field('relation'), [], members)).toBe('');
		expect(describeValue(null, 'plain', members)).toBe('plain');
	});
});
