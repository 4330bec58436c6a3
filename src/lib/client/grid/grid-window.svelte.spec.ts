import { describe, expect, it } from 'vitest';
import { layoutColumns, toGridField } from './fields';
import { GridWindow, type Scroller, type WindowSource } from './grid-window.svelte';
import type { Cell } from './selection.svelte';
import { FOOTER, HEADER, ROW } from './virtual-window';

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
	{ widths: { a: 300, b: 400, c: 400, d: 400, e: 400 } }
);

/** A sheet of `total` records without groups: visual rows are the records. */
function windowOn(total: number, pinned: (Cell | null)[] = []): GridWindow {
	const source: WindowSource = {
		columns,
		resizing: null,
		rows: { visualCount: total, visualOf: (ordinal) => ordinal },
		pinned
	};
	return new GridWindow(source);
}

const scroller = (overrides: Partial<Scroller> = {}): Scroller => ({
	scrollTop: 0,
	scrollLeft: 0,
	clientWidth: 1000,
	clientHeight: HEADER + 10 * ROW + FOOTER,
	...overrides
});

describe('GridWindow', () => {
	it('lays the columns out for the width it measured: a phone narrows the frozen column', () => {
		const view = windowOn(100);
		view.measure(scroller());
		expect(view.columns[0]!.width).toBe(300);
		expect(view.gutter).toBe(76);
		view.measure(scroller({ clientWidth: 375 }));
		expect(view.columns[0]!.width).toBe(Math.round(375 * 0.38));
		expect(view.gutter).toBe(56);
		expect(view.contentWidth).toBe(56 + 143 + 4 * 400 + 44);
	});

	it('keeps the active cell in the DOM when it is scrolled far away', () => {
		const far = scroller({ scrollTop: 5000 * ROW });
		const unpinned = windowOn(10_000);
		unpinned.measure(far);
		expect(unpinned.slots).not.toContain(3);
		expect(unpinned.visibleCols).not.toContain(4);
		const view = windowOn(10_000, [{ row: 3, col: 4 }, null]);
		view.measure(far);
		expect(view.slots).toContain(3);
		expect(view.slots).toContain(5000);
		expect(view.visibleCols).toContain(4);
	});

	it('scrolls the least that shows a cell, then reads where it landed', () => {
		const view = windowOn(1000);
		const element = scroller();
		view.measure(element);
		view.reveal(element, { row: 50, col: 3 });
		const bodyHeight = element.clientHeight - HEADER - FOOTER;
		expect(element.scrollTop).toBe(51 * ROW - bodyHeight);
		expect(element.scrollLeft).toBe(76 + 300 + 3 * 400 - 1000);
		expect(view.viewport.scrollTop).toBe(element.scrollTop);
		expect(view.rowRange.first).toBeLessThanOrEqual(50);
		expect(view.rowRange.last).toBeGreaterThanOrEqual(50);
	});
});
