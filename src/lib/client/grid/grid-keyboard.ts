// Keys on the grid, delegated from its root: grid-keys.ts says what a key on a cell asks for
// (pure); this carries the command out on the selection, the editor, the clipboard and the
// live undo history. Keys in an open editor are the editor's own (editor-keys.ts).
import { kindViews } from '$lib/components/kinds/registry';
import type { CellEditing } from './cell-editing.svelte';
import type { GridClipboard } from './clipboard';
import type { GridColumn } from './fields';
import { gridCommand, type GridCommand } from './grid-keys';
import type { RowSource } from './grouped-rows.svelte';
import type { GridLive } from './live.svelte';
import type { Cell, Selection } from './selection.svelte';
import { pageRows } from './virtual-window';

/** What the keys need from the grid, read when a key is pressed (the props change). */
export interface KeyboardContext {
	selection: Selection;
	editing: CellEditing;
	clipboard: Pick<GridClipboard, 'clear'>;
	store: Pick<RowSource, 'total' | 'rowAt' | 'indexOf'>;
	columns: GridColumn[];
	/** The grid's visible height, for PageUp and PageDown. */
	viewportHeight: number;
	live: GridLive | null;
	canWrite: boolean;
	/** Makes a cell active (clamped to the sheet), scrolls it into view and focuses it. */
	moveTo(cell: Cell, extend?: boolean): void;
	startEditing(initialText: string | null): void;
	recordHref(id: string): string;
	/** Leaves the page for a record's own (Shift+Space). */
	openPage(href: string): void;
	onHelp(): void;
}

export class GridKeyboard {
	constructor(private readonly context: () => KeyboardContext) {}

	keydown(event: KeyboardEvent): void {
		const { editing, selection, store, columns, viewportHeight } = this.context();
		if (editing.cell || event.isComposing) return;
		if (!(event.target as HTMLElement).closest('[data-cell]')) return;
		const command = gridCommand(event, {
			active: selection.active,
			rows: store.total,
			cols: columns.length,
			pageRows: pageRows(viewportHeight),
			isCheckbox: kindViews[columns[selection.active.col]?.kind ?? 'text'].isToggle
		});
		if (!command) return;
		event.preventDefault();
		this.run(command);
	}

	private run(command: GridCommand): void {
		const context = this.context();
		const { selection, store, columns } = context;
		switch (command.type) {
			case 'move':
				return context.moveTo(command.to, command.extend);
			case 'edit':
				return context.startEditing(command.initialText);
			case 'toggle':
				return context.editing.toggle(selection.active);
			case 'collapse':
				return selection.collapse();
			case 'clear':
				return context.clipboard.clear();
			case 'open-record': {
				const record = store.rowAt(selection.active.row);
				if (record) context.openPage(context.recordHref(record.id));
				return;
			}
			case 'undo':
			case 'redo':
				return void this.undoOrRedo(command.type === 'redo');
			case 'help':
				return context.onHelp();
			case 'select-all':
				return selection.selectBlock(
					{ row: 0, col: 0 },
					{ row: Math.max(0, store.total - 1), col: columns.length - 1 }
				);
		}
	}

	/** Steps the live history and moves to the cell it touched. */
	private async undoOrRedo(isRedo: boolean): Promise<void> {
		const { live, canWrite } = this.context();
		if (!live || !canWrite) return;
		const touched = isRedo ? await live.redo() : await live.undo();
		if (!touched) return;
		// Read after the wait: the rows and columns may have moved meanwhile.
		const { store, columns, moveTo } = this.context();
		const row = store.indexOf(touched.record);
		const col = columns.findIndex((column) => column.key === touched.field);
		if (row >= 0 && col >= 0) moveTo({ row, col });
	}
}
