// Which rows and columns of the sheet are in the DOM: what is on screen plus a margin. Plain
// functions of the scroll position and the viewport, so the grid derives them and tests need no
// browser. Geometry is fixed: every row is ROW px high, between a HEADER px header and a FOOTER
// px footer.
import { MIN_COLUMN_WIDTH, type GridColumn } from './fields';

export const ROW = 33;
export const HEADER = 34;
/** The sticky summaries footer under the rows. */
export const FOOTER = 32;
/** The "add a field" header cell after the last column. */
export const ADD_COLUMN = 44;
const OVERSCAN_ROWS = 6;
const OVERSCAN_PX = 240;

export interface Viewport {
	scrollTop: number;
	scrollLeft: number;
	width: number;
	height: number;
}

/** The row number column (with the comment badge); narrower on phones. */
export const gutterWidth = (isNarrow: boolean) => (isNarrow ? 56 : 76);

/** The rows on screen plus the overscan, as indexes. */
export function rowWindow(viewport: Viewport, total: number): { first: number; last: number } {
	const first = Math.max(0, Math.floor(viewport.scrollTop / ROW) - OVERSCAN_ROWS);
	const last = Math.min(
		total - 1,
		Math.ceil((viewport.scrollTop + viewport.height - HEADER) / ROW) + OVERSCAN_ROWS
	);
	return { first, last };
}

/** How many row slots the viewport needs: the rows on screen, the overscan and a spare each end. */
export const slotCount = (viewportHeight: number) =>
	Math.ceil(viewportHeight / ROW) + 2 * OVERSCAN_ROWS + 2;

/**
 * Row slots: a fixed pool where row `index` always lives in slot `index % pool`. Scrolling then
 * re-fills the few slots whose row left the window and leaves the others (and their DOM)
 * untouched: no row is created or destroyed while scrolling. Every slot shows the one row of
 * [start, start + pool) that falls in it, so no slot goes empty (an empty slot would tear its row
 * down and build it again); -1 marks a slot past the last row. `pinned` rows (the active and the
 * edited one) are added when they fall outside, so the focus is never lost.
 */
export function rowSlots(
	first: number,
	total: number,
	pool: number,
	pinned: (number | undefined)[]
): number[] {
	const start = Math.max(0, Math.min(first, total - pool));
	const slots = Array.from({ length: pool }, (_, slot) => {
		const index = start + ((((slot - start) % pool) + pool) % pool);
		return index < total ? index : -1;
	});
	for (const row of pinned) {
		if (row !== undefined && row < total && !slots.includes(row)) slots.push(row);
	}
	return slots;
}

/**
 * The scrolling columns (all but the frozen first) that overlap the viewport plus a margin, and
 * the `pinned` ones wherever they are.
 */
export function visibleColumns(
	columns: GridColumn[],
	viewport: Viewport,
	offsets: { gutter: number; frozenWidth: number },
	pinned: (number | undefined)[]
): number[] {
	const from = viewport.scrollLeft + offsets.gutter + offsets.frozenWidth - OVERSCAN_PX;
	const to = viewport.scrollLeft + viewport.width + OVERSCAN_PX;
	const shown: number[] = [];
	for (let index = 1; index < columns.length; index++) {
		const x = offsets.gutter + columns[index]!.left;
		const isOnScreen = x + columns[index]!.width > from && x < to;
		if (isOnScreen || pinned.includes(index)) shown.push(index);
	}
	return shown;
}

/**
 * The scroll position that brings a cell into view with the least movement; the frozen column is
 * always in view horizontally.
 */
export function revealCell(
	viewport: Viewport,
	cell: { row: number; column: GridColumn | undefined; isFrozen: boolean },
	offsets: { gutter: number; frozenWidth: number }
): { scrollTop: number; scrollLeft: number } {
	let { scrollTop, scrollLeft } = viewport;
	const top = cell.row * ROW;
	const bodyHeight = viewport.height - HEADER - FOOTER;
	if (top < scrollTop) scrollTop = top;
	else if (top + ROW > scrollTop + bodyHeight) scrollTop = top + ROW - bodyHeight;
	const column = cell.column;
	if (!column || cell.isFrozen) return { scrollTop, scrollLeft };
	const x = offsets.gutter + column.left;
	const visibleFrom = scrollLeft + offsets.gutter + offsets.frozenWidth;
	if (x < visibleFrom) scrollLeft = x - offsets.gutter - offsets.frozenWidth;
	else if (x + column.width > scrollLeft + viewport.width)
		scrollLeft = x + column.width - viewport.width;
	return { scrollTop, scrollLeft };
}

/** Full rows that fit under the header, less one, for PageUp and PageDown. */
export const pageRows = (viewportHeight: number) =>
	Math.max(1, Math.floor((viewportHeight - HEADER - FOOTER) / ROW) - 1);

/**
 * Where the editor goes: over the cell, kept inside the view; pickers are wider and open upward
 * in the lower part of the view. Positions are inside the scrolled content. Whether the editor
 * is a picker or a multi-line box is the kind's to say (components/kinds/registry.ts).
 */
export function placeEditor(
	viewport: Viewport,
	cell: {
		row: number;
		column: GridColumn;
		isFrozen: boolean;
		isPicker: boolean;
		isMultiline: boolean;
	},
	gutter: number
): { top: number; left: number; isAbove: boolean } {
	const { column, isPicker } = cell;
	const width = isPicker ? 300 : cell.isMultiline ? 330 : column.width;
	const cellLeft = cell.isFrozen ? viewport.scrollLeft + gutter : gutter + column.left;
	const left = Math.max(
		viewport.scrollLeft,
		Math.min(cellLeft, viewport.scrollLeft + viewport.width - width - 4)
	);
	const top = HEADER + cell.row * ROW;
	const isAbove = isPicker && top - viewport.scrollTop > viewport.height * 0.55;
	return { top, left, isAbove };
}

/**
 * The columns as laid out on this screen: with a resize in progress applied, and on a phone
 * (under 640 px) the frozen column at most 38% of the width, so there is room to scroll the
 * others past it. Returns the same array when nothing changes.
 */
export function fitColumns(
	columns: GridColumn[],
	viewportWidth: number,
	resizing: { key: string; width: number } | null
): GridColumn[] {
	const frozenCap =
		viewportWidth < 640 ? Math.max(MIN_COLUMN_WIDTH, Math.round(viewportWidth * 0.38)) : Infinity;
	if (!resizing && (columns[0]?.width ?? 0) <= frozenCap) return columns;
	let left = 0;
	return columns.map((column, index) => {
		let width = column.key === resizing?.key ? resizing.width : column.width;
		if (index === 0) width = Math.min(width, frozenCap);
		const laid = { ...column, width, left };
		left += width;
		return laid;
	});
}

/** The grid's full width: gutter, columns and the "add a field" cell. */
export const contentWidthOf = (columns: GridColumn[], gutter: number) =>
	gutter + (columns.length ? columns.at(-1)!.left + columns.at(-1)!.width : 0) + ADD_COLUMN;
