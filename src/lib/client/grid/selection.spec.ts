import { describe, expect, it } from 'vitest';
import { clampCell, rangeOf, Selection } from './selection.svelte';

describe('rangeOf', () => {
	it('spans from the anchor to the active cell in either direction', () => {
		expect(rangeOf({ row: 5, col: 3 }, { row: 2, col: 4 })).toEqual({
			top: 2,
			bottom: 5,
			left: 3,
			right: 4
		});
		expect(rangeOf(null, { row: 2, col: 4 })).toEqual({ top: 2, bottom: 2, left: 4, right: 4 });
	});
});

describe('clampCell', () => {
	it('keeps a cell inside the sheet, and at the first cell of an empty one', () => {
		expect(clampCell({ row: -3, col: 9 }, 10, 4)).toEqual({ row: 0, col: 3 });
		expect(clampCell({ row: 3, col: 2 }, 0, 0)).toEqual({ row: 0, col: 0 });
	});
});

describe('Selection', () => {
	it('extends from where the range started, and collapses on a plain move', () => {
		const selection = new Selection();
		selection.select({ row: 2, col: 1 });
		selection.select({ row: 4, col: 1 }, true);
		selection.select({ row: 4, col: 3 }, true);
		expect(selection.range).toEqual({ top: 2, bottom: 4, left: 1, right: 3 });
		expect(selection.contains(3, 2)).toBe(true);
		expect(selection.contains(5, 2)).toBe(false);
		selection.select({ row: 0, col: 0 });
		expect(selection.range).toEqual({ top: 0, bottom: 0, left: 0, right: 0 });
	});

	it('drops the range when the sheet shrinks under the active cell', () => {
		const selection = new Selection();
		selection.selectBlock({ row: 0, col: 0 }, { row: 9, col: 5 });
		selection.clampTo(20, 10);
		expect(selection.anchor).toEqual({ row: 0, col: 0 });
		selection.clampTo(4, 3);
		expect(selection.active).toEqual({ row: 3, col: 2 });
		expect(selection.anchor).toBeNull();
	});
});
