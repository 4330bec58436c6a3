// The grid's selection: the active cell (where keys go, the focus ring) and the anchor a range
// grows from (Shift+arrows, Shift+click, a pointer drag). Indexes only; scrolling the cell into
// view and moving focus are the grid's business.

export type Cell = { row: number; col: number };
export type CellRange = { top: number; bottom: number; left: number; right: number };

/** The rectangle between the anchor (or the active cell alone) and the active cell. */
export function rangeOf(anchor: Cell | null, active: Cell): CellRange {
	const from = anchor ?? active;
	return {
		top: Math.min(from.row, active.row),
		bottom: Math.max(from.row, active.row),
		left: Math.min(from.col, active.col),
		right: Math.max(from.col, active.col)
	};
}

export const isInRange = (range: CellRange, row: number, col: number) =>
	row >= range.top && row <= range.bottom && col >= range.left && col <= range.right;

/** A cell inside a sheet of `rows` x `cols` (the first cell when the sheet is empty). */
export const clampCell = (cell: Cell, rows: number, cols: number): Cell => ({
	row: Math.min(Math.max(0, cell.row), Math.max(0, rows - 1)),
	col: Math.min(Math.max(0, cell.col), Math.max(0, cols - 1))
});

export class Selection {
	active = $state<Cell>({ row: 0, col: 0 });
	anchor = $state<Cell | null>(null);
	readonly range = $derived(rangeOf(this.anchor, this.active));

	/** Makes `cell` active; with `extend`, the range keeps (or starts at) the current anchor. */
	select(cell: Cell, extend = false): void {
		if (extend) this.anchor ??= { ...this.active };
		else this.anchor = null;
		this.active = cell;
	}

	/** Grows the range to `cell` from wherever it started. */
	extendTo(cell: Cell): void {
		this.anchor ??= { ...this.active };
		this.active = cell;
	}

	selectBlock(anchor: Cell, active: Cell): void {
		this.anchor = anchor;
		this.active = active;
	}

	collapse(): void {
		this.anchor = null;
	}

	contains(row: number, col: number): boolean {
		return isInRange(this.range, row, col);
	}

	/** Keeps the selection inside the sheet when rows or columns go away. */
	clampTo(rows: number, cols: number): void {
		const maxRow = Math.max(0, rows - 1);
		const maxCol = Math.max(0, cols - 1);
		if (this.active.row <= maxRow && this.active.col <= maxCol) return;
		this.active = {
			row: Math.min(this.active.row, maxRow),
			col: Math.min(this.active.col, maxCol)
		};
		this.anchor = null;
	}
}
