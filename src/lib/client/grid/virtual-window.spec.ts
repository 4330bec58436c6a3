import { describe, expect, it } from 'vitest';
import { layoutColumns, toGridField } from './fields';
import {
	FOOTER,
	HEADER,
	ROW,
	pageRows,
	revealCell,
	rowSlots,
	rowWindow,
	slotCount,
	visibleColumns,
	type Viewport
} from './virtual-window';

const viewport = (overrides: Partial<Viewport> = {}): Viewport => ({
	scrollTop: 0,
	scrollLeft: 0,
	width: 1000,
	height: HEADER + 10 * ROW,
	...overrides
});

describe('rowWindow', () => {
	it('covers the rows on screen plus six either side, within the sheet', () => {
		expect(rowWindow(viewport(), 1000)).toEqual({ first: 0, last: 16 });
		expect(rowWindow(viewport({ scrollTop: 100 * ROW }), 1000)).toEqual({ first: 94, last: 116 });
		expect(rowWindow(viewport({ scrollTop: 100 * ROW }), 105)).toEqual({ first: 94, last: 104 });
	});
});

describe('rowSlots', () => {
	it('keeps each row in slot index % pool, so scrolling by one re-fills one slot', () => {
		const pool = 5;
		const before = rowSlots(10, 100, pool, []);
		const after = rowSlots(11, 100, pool, []);
		expect([...before].sort((a, b) => a - b)).toEqual([10, 11, 12, 13, 14]);
		expect(before.map((index) => index % pool)).toEqual([0, 1, 2, 3, 4]);
		expect(after.filter((index, slot) => index !== before[slot])).toEqual([15]);
	});

	it('fills every slot near the end, marks slots past a short sheet, and pins rows outside', () => {
		expect([...rowSlots(98, 100, 5, [])].sort((a, b) => a - b)).toEqual([95, 96, 97, 98, 99]);
		expect(rowSlots(0, 3, 5, [])).toEqual([0, 1, 2, -1, -1]);
		expect(rowSlots(10, 100, 5, [2, 12, undefined])).toEqual([10, 11, 12, 13, 14, 2]);
	});

	it('sizes the pool to the viewport and the overscan', () => {
		expect(slotCount(10 * ROW)).toBe(24);
	});
});

describe('visibleColumns', () => {
	const columns = layoutColumns(
		['a', 'b', 'c', 'd', 'e'].map((key) =>
			toGridField({
				id: key,
				key,
				name: key,
				kind: 'text',
				options: {},
				position: 0,
				isRequired: false,
				isUnique: false
			})
		),
		{ widths: { a: 200, b: 400, c: 400, d: 400, e: 400 } }
	);
	const offsets = { gutter: 64, frozenWidth: 200 };

	it('lists the scrolling columns near the viewport, never the frozen first one', () => {
		expect(visibleColumns(columns, viewport({ width: 500 }), offsets, [])).toEqual([1, 2]);
		expect(
			visibleColumns(columns, viewport({ width: 500, scrollLeft: 1200 }), offsets, [])
		).toEqual([3, 4]);
	});

	it('adds the pinned columns wherever they are', () => {
		expect(visibleColumns(columns, viewport({ width: 500 }), offsets, [4, 0])).toEqual([1, 2, 4]);
	});
});

describe('revealCell', () => {
	const column = { left: 1000, width: 200 } as Parameters<typeof revealCell>[1]['column'];
	const offsets = { gutter: 64, frozenWidth: 200 };

	it('scrolls as little as it can: down to show a row at the bottom, up to one above', () => {
		const at = viewport({ scrollTop: 50 * ROW });
		expect(revealCell(at, { row: 70, column: undefined, isFrozen: true }, offsets).scrollTop).toBe(
			71 * ROW - 10 * ROW + FOOTER
		);
		expect(revealCell(at, { row: 40, column: undefined, isFrozen: true }, offsets).scrollTop).toBe(
			40 * ROW
		);
		expect(revealCell(at, { row: 55, column: undefined, isFrozen: true }, offsets).scrollTop).toBe(
			50 * ROW
		);
	});

	it('brings a column in past the frozen one, and never scrolls for the frozen one', () => {
		expect(revealCell(viewport(), { row: 0, column, isFrozen: false }, offsets).scrollLeft).toBe(
			64 + 1200 - 1000
		);
		expect(
			revealCell(viewport({ scrollLeft: 2000 }), { row: 0, column, isFrozen: false }, offsets)
				.scrollLeft
		).toBe(800);
		expect(
			revealCell(viewport({ scrollLeft: 2000 }), { row: 0, column, isFrozen: true }, offsets)
				.scrollLeft
		).toBe(2000);
	});

	it('pages by the rows that fit, less one', () => {
		expect(pageRows(HEADER + FOOTER + 10 * ROW)).toBe(9);
		expect(pageRows(HEADER)).toBe(1);
	});
});
