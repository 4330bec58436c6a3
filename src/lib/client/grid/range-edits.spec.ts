import { describe, expect, it } from 'vitest';
import type { AttributeKindName } from '$lib/domain/attributes/kind';
import { layoutColumns, toGridField } from './fields';
import { copyRange, planClear, sameValue } from './range-edits';
import type { GridRow } from './row-store.svelte';

const field = (key: string, kind: AttributeKindName, isRequired = false) =>
	toGridField({
		id: key,
		key,
		name: key,
		kind,
		options: {},
		position: 0,
		isRequired,
		isUnique: false
	});
const columns = layoutColumns(
	[field('name', 'text', true), field('note', 'text'), field('vip', 'checkbox')],
	{}
);
const rows: GridRow[] = [
	{ id: 'r0', name: 'Ada', note: 'tab\there', vip: true },
	{ id: 'r1', name: 'Grace', note: null, vip: false }
];
const rowAt = (index: number) => rows[index];
const all = { top: 0, bottom: 2, left: 0, right: 2 };

describe('copyRange', () => {
	it('writes the range as TSV, quoting what needs it, with empty cells for unloaded rows', () => {
		expect(copyRange(all, columns, rowAt, [])).toBe('Ada\t"tab\there"\tTRUE\nGrace\t\tFALSE\n\t\t');
	});
});

describe('planClear', () => {
	it('empties what is not empty, and refuses to empty a required field', () => {
		const { changes, errors } = planClear(all, columns, rowAt);
		expect(changes).toEqual([
			{ record: 'r0', field: 'note', value: null },
			{ record: 'r0', field: 'vip', value: false }
		]);
		expect(errors.map(({ record, field }) => `${record}.${field}`)).toEqual(['r0.name', 'r1.name']);
	});
});

describe('sameValue', () => {
	it('compares by content, with missing as empty', () => {
		expect(sameValue(['a', 'b'], ['a', 'b'])).toBe(true);
		expect(sameValue(undefined, null)).toBe(true);
		expect(sameValue(1, '1')).toBe(false);
	});
});
