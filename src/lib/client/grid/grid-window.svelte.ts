// The grid's window onto the sheet: the scroller's position and size, the columns as laid out
// at that width, and which rows and columns are in the DOM. The geometry is virtual-window.ts's
// plain functions; this class keeps them live. Each part is derived on its own, so what depends
// on the width alone does not run again on every scroll.
import type { GridColumn } from './fields';
import type { GroupedRows } from './grouped-rows.svelte';
import type { Cell } from './selection.svelte';
import {
	contentWidthOf,
	fitColumns,
	gutterWidth,
	revealCell,
	rowSlots,
	rowWindow,
	slotCount,
	visibleColumns,
	type Viewport
} from './virtual-window';

/**
 * What the window follows, as getters: each derived reads only the parts it uses (a context
 * function returning a fresh object would make every part depend on all of them).
 */
export interface WindowSource {
	/** The view's columns, before this screen fits them. */
	readonly columns: GridColumn[];
	/** A column resize in progress, previewed before it is saved. */
	readonly resizing: { key: string; width: number } | null;
	/** The records as shown; the window counts visual rows (group headers included). */
	readonly rows: Pick<GroupedRows, 'visualCount' | 'visualOf'>;
	/** Cells that stay in the DOM when scrolled away (the active and the edited one), so focus is never lost. */
	readonly pinned: (Cell | null)[];
}

/** The scrolling element's part the window reads and moves. */
export type Scroller = Pick<
	HTMLElement,
	'scrollTop' | 'scrollLeft' | 'clientWidth' | 'clientHeight'
>;

export class GridWindow {
	/** A fixed first guess so the server render and the first client render agree; measured on mount. */
	readonly viewport = $state<Viewport>({ scrollTop: 0, scrollLeft: 0, width: 1280, height: 800 });
	readonly gutter = $derived(gutterWidth(this.viewport.width < 640));
	/** The columns as laid out on this screen (see fitColumns). */
	readonly columns = $derived.by(() =>
		fitColumns(this.source.columns, this.viewport.width, this.source.resizing)
	);
	readonly offsets = $derived({ gutter: this.gutter, frozenWidth: this.columns[0]?.width ?? 0 });
	readonly contentWidth = $derived(contentWidthOf(this.columns, this.gutter));
	/** The visual rows on screen plus the overscan. */
	readonly rowRange = $derived.by(() => rowWindow(this.viewport, this.source.rows.visualCount));
	/** The visual row each row slot shows (see rowSlots). */
	readonly slots = $derived.by(() =>
		rowSlots(
			this.rowRange.first,
			this.source.rows.visualCount,
			slotCount(this.viewport.height),
			this.source.pinned.map((cell) => (cell ? this.source.rows.visualOf(cell.row) : undefined))
		)
	);
	/** The scrolling columns in the DOM, by index. */
	readonly visibleCols = $derived.by(() =>
		visibleColumns(
			this.columns,
			this.viewport,
			this.offsets,
			this.source.pinned.map((cell) => cell?.col)
		)
	);

	constructor(private readonly source: WindowSource) {}

	/** Reads the scroller's position and size. */
	measure(scroller: Scroller): void {
		this.viewport.scrollTop = scroller.scrollTop;
		this.viewport.scrollLeft = scroller.scrollLeft;
		this.viewport.width = scroller.clientWidth;
		this.viewport.height = scroller.clientHeight;
	}

	/** Measures now and whenever the scroller's size changes; returns the way to stop. */
	observe(scroller: HTMLElement): () => void {
		const observer = new ResizeObserver(() => this.measure(scroller));
		this.measure(scroller);
		observer.observe(scroller);
		return () => observer.disconnect();
	}

	/** Scrolls the least that brings `cell` (a record's ordinal and a column) into view. */
	reveal(scroller: Scroller, cell: Cell): void {
		const current = {
			...this.viewport,
			scrollTop: scroller.scrollTop,
			scrollLeft: scroller.scrollLeft
		};
		const target = {
			row: this.source.rows.visualOf(cell.row),
			column: this.columns[cell.col],
			isFrozen: cell.col === 0
		};
		const next = revealCell(current, target, this.offsets);
		if (next.scrollTop !== current.scrollTop) scroller.scrollTop = next.scrollTop;
		if (next.scrollLeft !== current.scrollLeft) scroller.scrollLeft = next.scrollLeft;
		this.measure(scroller);
	}
}
