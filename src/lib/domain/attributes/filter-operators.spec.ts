import { describe, expect, it } from 'vitest';
import { filterOperators } from '../query/ast';
import { filterOperatorsFor } from './filter-operators';
import { attributeKindNames } from './kind';

describe('filterOperatorsFor', () => {
	it('offers only known operators, each once', () => {
		for (const kind of attributeKindNames) {
			const operators = filterOperatorsFor(kind);
			expect(operators.length).toBeGreaterThan(0);
			expect(new Set(operators).size).toBe(operators.length);
			for (const operator of operators) expect(filterOperators).toContain(operator);
		}
	});

	it('orders numbers, dates and text but not choices or links', () => {
		for (const kind of ['number', 'currency', 'date', 'datetime', 'text', 'created_at'] as const) {
			expect(filterOperatorsFor(kind)).toContain('lt');
		}
		for (const kind of ['single_select', 'multi_select', 'relation', 'checkbox'] as const) {
			expect(filterOperatorsFor(kind)).not.toContain('lt');
		}
	});

	it('matches inside text and lists', () => {
		expect(filterOperatorsFor('text')).toContain('ilike');
		expect(filterOperatorsFor('multi_select')).toContain('contains');
		expect(filterOperatorsFor('relation')).toContain('contains');
		expect(filterOperatorsFor('number')).not.toContain('contains');
	});

	it('tests attachments only for presence', () => {
		expect(filterOperatorsFor('attachment')).toEqual(['is_empty', 'is_not_empty']);
	});
});
