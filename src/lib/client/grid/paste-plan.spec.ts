import { describe, expect, it } from 'vitest';
import type { AttributeKindName } from '$lib/domain/attributes/kind';
import { layoutColumns, toGridField } from './fields';
import { fillBlock, planPaste, splitCreatable, type PasteTarget } from './paste-plan';
import type { GridRow } from './row-store.svelte';

const field = (key: string, kind: AttributeKindName, isRequired = false) =>
	toGridField({
		id: key,
		key,
		name: key[0]!.toUpperCase() + key.slice(1),
		kind,
		options: {},
		position: 0,
		isRequired,
		isUnique: false
	});
const columns = layoutColumns(
	[field('name', 'text', true), field('score', 'number'), field('seq', 'auto_number')],
	{}
);
const rows: GridRow[] = [
	{ id: 'r0', name: 'Ada', score: 1, seq: 1 },
	{ id: 'r1', name: 'Grace', score: 2, seq: 2 }
];
const target = (overrides: Partial<PasteTarget>): PasteTarget => ({
	block: [['x']],
	range: { top: 0, bottom: 0, left: 0, right: 0 },
	columns,
	total: rows.length,
	rowAt: (index) => rows[index],
	members: [],
	...overrides
});

describe('fillBlock', () => {
	it('repeats one value over a larger selection, and leaves a block as it is', () => {
		const range = { top: 2, bottom: 3, left: 1, right: 3 };
		expect(fillBlock([['7']], range)).toEqual([
			['7', '7', '7'],
			['7', '7', '7']
		]);
		expect(fillBlock([['1', '2']], range)).toEqual([['1', '2']]);
		expect(fillBlock([['7']], { top: 0, bottom: 0, left: 0, right: 0 })).toEqual([['7']]);
	});
});

describe('planPaste', () => {
	it('changes only the cells whose parsed value differs, and selects the block', () => {
		const plan = planPaste(
			target({
				block: [
					['Ada', '5'],
					['Grace', '2']
				]
			})
		);
		expect(plan.changes).toEqual([{ record: 'r0', field: 'score', value: 5 }]);
		expect(plan.errors).toEqual([]);
		expect(plan.newRows).toEqual([]);
		expect(plan.selection).toEqual({ anchor: { row: 0, col: 0 }, active: { row: 1, col: 1 } });
	});

	it('puts a value that does not parse as an error on its cell, not as a change', () => {
		const plan = planPaste(target({ block: [['', 'many']] }));
		expect(plan.changes).toEqual([]);
		expect(plan.errors.map(({ record, field }) => `${record}.${field}`)).toEqual([
			'r0.name',
			'r0.score'
		]);
	});

	it('skips computed columns, stops at the last column and clips the selection to it', () => {
		const plan = planPaste(
			target({ block: [['9', '100', 'extra']], range: { top: 1, bottom: 1, left: 1, right: 1 } })
		);
		expect(plan.changes).toEqual([{ record: 'r1', field: 'score', value: 9 }]);
		expect(plan.selection.active).toEqual({ row: 1, col: 2 });
	});

	it('runs past the last row into new rows, with their values and errors', () => {
		const plan = planPaste(
			target({
				block: [['Grace'], ['Alan'], ['']],
				range: { top: 1, bottom: 1, left: 0, right: 0 }
			})
		);
		expect(plan.changes).toEqual([]);
		expect(plan.newRows).toEqual([
			{ values: { name: 'Alan' }, errors: [] },
			{ values: {}, errors: [{ field: 'name', message: 'Name is required' }] }
		]);
	});

	it('counts rows that are not loaded and leaves them alone', () => {
		const plan = planPaste(
			target({
				block: [['A'], ['B']],
				total: 5,
				rowAt: (index) => (index === 0 ? rows[0] : undefined)
			})
		);
		expect(plan.unloaded).toBe(1);
		expect(plan.changes).toEqual([{ record: 'r0', field: 'name', value: 'A' }]);
	});
});

describe('splitCreatable', () => {
	it('keeps rows with every required field and says why the others were refused', () => {
		const { creatable, rejections } = splitCreatable(
			[
				{ values: { name: 'Alan' }, errors: [] },
				{ values: { score: 3 }, errors: [] },
				{ values: {}, errors: [{ field: 'name', message: 'Name is too long' }] }
			],
			columns
		);
		expect(creatable).toEqual([{ values: { name: 'Alan' }, errors: [] }]);
		expect(rejections).toEqual([
			'A pasted row was not added: Name is required.',
			'A pasted row was not added: Name is too long.'
		]);
	});
});
