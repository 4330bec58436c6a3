// Pointer input on the grid, delegated from its root: a press on a header's edge resizes the
// column, on the header drags it, on a cell selects (Shift extends); dragging over cells grows
// the range; a double click edits. One listener per kind of event, whatever the cell count.
import type { CellEditing } from './cell-editing.svelte';
import type { ColumnGestures } from './column-gestures.svelte';
import type { GridColumn } from './fields';
import type { Cell, Selection } from './selection.svelte';

/** The cell an event target is in (by its `data-cell="row:col"`), or null. */
export function cellAt(target: EventTarget | null): Cell | null {
	const element = (target as HTMLElement | null)?.closest<HTMLElement>('[data-cell]');
	if (!element) return null;
	const [row, col] = element.dataset.cell!.split(':').map(Number);
	return { row: row!, col: col! };
}

/** What pointer input needs from the grid, read when it is needed (the props change). */
export interface PointerContext {
	selection: Selection;
	editing: CellEditing;
	gestures: ColumnGestures;
	columns: GridColumn[];
	/** Commits the open editor's draft; it stays open when the draft does not parse. */
	commitEditor(): void;
	/** The grid's scrolling element, and the width of its row-number column. */
	scroller: HTMLElement;
	gutter: number;
	focusActive(): void;
	startEditing(initialText: string | null): void;
	onResize(key: string, width: number): void;
	onReorder(key: string, beforeKey: string | null): void;
}

export class GridPointer {
	/** A press on a cell's own area (not a link, button or box in it) drags out a range. */
	private isSelecting = false;

	constructor(private readonly context: () => PointerContext) {}

	down(event: PointerEvent): void {
		if (event.button !== 0) return;
		const target = event.target as HTMLElement;
		if (target.closest('[data-editor]')) return;
		const { gestures, columns, editing, selection, ...context } = this.context();
		const resizeKey = target.closest<HTMLElement>('[data-resize]')?.dataset.resize;
		if (resizeKey) {
			event.preventDefault();
			const column = columns.find((candidate) => candidate.key === resizeKey);
			if (column) gestures.startResize(event, column, context.onResize);
			return;
		}
		const header = target.closest<HTMLElement>('[data-col-key]');
		if (header && !target.closest('[data-no-drag]')) {
			const { scroller, gutter } = context;
			// The column a header dragged to `clientX` lands before (null: after the last one).
			const columnBefore = (clientX: number) => {
				const x = clientX - scroller.getBoundingClientRect().left + scroller.scrollLeft - gutter;
				return columns.find((column) => x < column.left + column.width / 2)?.key ?? null;
			};
			const key = header.dataset.colKey!;
			return gestures.startDrag(event, header, key, columnBefore, context.onReorder);
		}
		const cell = cellAt(target);
		if (!cell) return;
		if (editing.cell) {
			context.commitEditor();
			if (editing.cell) return;
		}
		selection.select(cell, event.shiftKey);
		this.isSelecting = !target.closest('a, button, input');
		context.focusActive();
	}

	move(event: PointerEvent): void {
		if (!this.isSelecting || event.buttons !== 1) return;
		const { selection } = this.context();
		const cell = cellAt(document.elementFromPoint(event.clientX, event.clientY));
		const { active } = selection;
		if (!cell || (cell.row === active.row && cell.col === active.col)) return;
		selection.extendTo(cell);
	}

	up(): void {
		this.isSelecting = false;
	}

	doubleClick(event: MouseEvent): void {
		const cell = cellAt(event.target);
		if (!cell || (event.target as HTMLElement).closest('[data-editor], a, button')) return;
		const { selection, startEditing } = this.context();
		selection.active = cell;
		startEditing(null);
	}
}
