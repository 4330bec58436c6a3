import { describe, expect, it } from 'vitest';
import { describeResult, hintFieldOf } from './relation-titles.svelte';
import type { EntityTypeInfo } from '$lib/domain/view-fields';

const field = (key: string, kind: string, position: number) => ({
	id: key,
	key,
	name: key[0]!.toUpperCase() + key.slice(1),
	kind: kind as never,
	options: {},
	position,
	isRequired: false,
	isUnique: false
});
const customers: EntityTypeInfo = {
	id: 't',
	key: 'customers',
	name: 'Customers',
	attributes: [
		field('name', 'text', 0),
		field('company', 'text', 1),
		field('email', 'email', 2),
		field('notes', 'long_text', 3)
	]
};
const ada = {
	id: 'r1',
	name: 'Ada Lovelace',
	company: 'Analytical',
	email: 'ada@example.org',
	notes: 'Met at the Babbage dinner'
};

describe('the link picker’s results', () => {
	it('shows an email beside the name, before another text field', () => {
		expect(hintFieldOf(customers)).toBe('email');
		expect(describeResult(customers, ada, '')).toEqual({
			id: 'r1',
			title: 'Ada Lovelace',
			hint: 'ada@example.org'
		});
	});

	it('says which field matched when neither the name nor the hint shows it', () => {
		expect(describeResult(customers, ada, 'babbage').matched).toBe(
			'Notes: Met at the Babbage dinner'
		);
		expect(describeResult(customers, ada, 'analyt').matched).toBe('Company: Analytical');
		expect(describeResult(customers, ada, 'lovelace').matched).toBeUndefined();
		expect(describeResult(customers, ada, 'example.org').matched).toBeUndefined();
	});
});
