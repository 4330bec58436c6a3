// Where this user is on the grid, for the others: the active cell and the cell being edited go
// out as live presence, and the active record's document is got ready so an edit starts
// without a wait. Called while the grid is created; the effect ends with it.
import type { CellEditing } from './cell-editing.svelte';
import type { GridColumn } from './fields';
import type { RowSource } from './grouped-rows.svelte';
import type { GridLive } from './live.svelte';
import type { Selection } from './selection.svelte';

/** What presence follows, read in the effect (the props change). */
export interface PresenceContext {
	live: GridLive | null;
	store: Pick<RowSource, 'rowAt' | 'version'>;
	columns: GridColumn[];
	selection: Selection;
	editing: CellEditing;
	canWrite: boolean;
}

export function sharePresence(context: () => PresenceContext): void {
	const activeRecord = $derived.by(() => {
		const { store, selection } = context();
		return store.version >= 0 ? store.rowAt(selection.active.row)?.id : undefined;
	});
	$effect(() => {
		const { live, columns, selection, editing, canWrite } = context();
		const column = columns[selection.active.col];
		const cell = editing.cell;
		live?.setPresence({
			cell: activeRecord && column ? { record: activeRecord, field: column.key } : null,
			editing: cell ? { record: cell.record, field: cell.field } : null
		});
		if (activeRecord && canWrite) live?.prepare(activeRecord);
	});
}
