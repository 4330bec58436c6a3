// Editing one cell at a time: which cell the editor is open on, its error and the conflict when
// someone else changes the same cell meanwhile; reading the draft back through the kind and
// writing it. Also the one-click writes that need no editor (a checkbox, a star rating).
import type { Move } from '$lib/components/grid/editor-keys';
import type { CellValue } from '$lib/domain/attributes/kind';
import { cellText, checkValue, parseCell, type GridColumn, type MemberInfo } from './fields';
import type { GridLive } from './live.svelte';
import { sameValue } from './range-edits';
import { kindViews } from '$lib/components/kinds/registry';
import type { RowSource } from './grouped-rows.svelte';
import type { Cell } from './selection.svelte';

export interface EditedCell extends Cell {
	record: string;
	field: string;
	/** What the editor starts with instead of the value (the key typed), or null. */
	initialText: string | null;
}

/** What editing needs from the grid, read when it is needed (the props change). */
export interface EditingContext {
	live: GridLive | null;
	store: RowSource;
	columns: GridColumn[];
	members: MemberInfo[];
	canWrite: boolean;
}

export class CellEditing {
	cell = $state<EditedCell | null>(null);
	error = $state<string | null>(null);
	conflict = $state<{ text: string; by: string } | null>(null);

	constructor(
		private readonly context: () => EditingContext,
		/** Called once an edit ends, with where the selection goes next. */
		private readonly onEnd: (move: Move) => void
	) {}

	/** The column of the open editor. */
	column(): GridColumn | undefined {
		const cell = this.cell;
		return cell ? this.context().columns.find((column) => column.key === cell.field) : undefined;
	}

	/**
	 * Opens the editor on a cell; a checkbox toggles instead (on Enter or Space). Returns whether
	 * the editor opened.
	 */
	start(at: Cell, initialText: string | null): boolean {
		const { canWrite, columns, store, live } = this.context();
		if (!canWrite) return false;
		const column = columns[at.col];
		const row = store.rowAt(at.row);
		if (!column || !row || column.isComputed) return false;
		if (kindViews[column.kind].isToggle) {
			if (initialText === null || initialText === ' ') this.toggle(at);
			return false;
		}
		live?.clearStatus(row.id, column.key);
		this.cell = { ...at, record: row.id, field: column.key, initialText };
		this.error = null;
		this.conflict = null;
		return true;
	}

	/** Reads the editor's text through the kind; an error keeps the editor open. */
	commitText(text: string, move: Move): void {
		const column = this.column();
		if (!this.cell || !column) return;
		const parsed = parseCell(column, text, this.context().members);
		if (!parsed.ok) this.error = parsed.message;
		else this.finish(parsed.value, move);
	}

	/** Checks a value a picker made; an error keeps the editor open. */
	commitValue(value: CellValue, move: Move): void {
		const column = this.column();
		if (!this.cell || !column) return;
		const checked = checkValue(column, value);
		if (!checked.ok) this.error = checked.message;
		else this.finish(checked.value, move);
	}

	cancel(): void {
		this.close();
		this.onEnd(null);
	}

	private close(): void {
		this.cell = null;
		this.error = null;
		this.conflict = null;
	}

	private finish(value: CellValue, move: Move): void {
		const edit = this.cell!;
		this.close();
		const { store, live } = this.context();
		const row = store.findRow(edit.record);
		// "Keep mine" after a remote change writes even an unchanged draft: theirs is in the row.
		if (!row || !sameValue(row[edit.field], value)) {
			void live?.write([{ record: edit.record, field: edit.field, value }]);
		}
		this.onEnd(move);
	}

	/** Marks a conflict when someone else's edit reaches the cell being edited. */
	watchConflicts(live: GridLive, membersById: () => Map<string, MemberInfo>): () => void {
		return live.onRemoteEdit((record, values, by) => {
			const cell = this.cell;
			if (!cell || cell.record !== record || !(cell.field in values)) return;
			const column = this.column();
			if (!column) return;
			this.conflict = {
				text: cellText(column, values[cell.field] ?? null, this.context().members),
				by: membersById().get(by)?.name ?? 'Someone'
			};
		});
	}

	toggle(at: Cell): void {
		const { canWrite, columns, store, live } = this.context();
		const row = store.rowAt(at.row);
		const column = columns[at.col];
		if (!canWrite || !row || !column || column.isComputed) return;
		void live?.write([{ record: row.id, field: column.key, value: row[column.key] !== true }]);
	}

	rate(at: Cell, stars: number): void {
		const { canWrite, columns, store, live } = this.context();
		const row = store.rowAt(at.row);
		const column = columns[at.col];
		if (!canWrite || !row || !column) return;
		void live?.write([{ record: row.id, field: column.key, value: stars || null }]);
	}
}
