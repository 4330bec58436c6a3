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

/** Someone else's value for the cell being edited, offered as "theirs" beside the draft. */
export interface CellConflict {
	/** Their value as the cell shows it. */
	text: string;
	/** Their name. */
	by: string;
	value: CellValue;
	/**
	 * Saved at the same moment as this user's own save (neither saw the other's), rather than
	 * while this user was still editing.
	 */
	isConcurrent: boolean;
}

/** A concurrent save that waits for the editor of another cell to close. */
interface WaitingClash {
	record: string;
	field: string;
	mine: CellValue;
	conflict: CellConflict;
}

export class CellEditing {
	cell = $state<EditedCell | null>(null);
	error = $state<string | null>(null);
	conflict = $state<CellConflict | null>(null);
	private readonly waiting: WaitingClash[] = [];
	/** The value the edit started from (or, after "Keep mine", the one it overrides). */
	private base: CellValue = null;

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
		this.base = row[column.key] ?? null;
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
		this.showWaiting();
	}

	/** "Keep mine": the draft goes on, and will be written over their value. */
	keepMine(): void {
		if (this.conflict) this.base = this.conflict.value;
		this.conflict = null;
	}

	/** "Take theirs": their value stays, or is written back if the cell kept this user's. */
	takeTheirs(): void {
		const edit = this.cell;
		const theirs = this.conflict;
		if (!edit || !theirs) return this.cancel();
		this.close();
		const { store, live } = this.context();
		const row = store.findRow(edit.record);
		if (row && !sameValue(row[edit.field], theirs.value)) {
			void live?.write([{ record: edit.record, field: edit.field, value: theirs.value }]);
		}
		this.onEnd(null);
		this.showWaiting();
	}

	private close(): void {
		this.cell = null;
		this.error = null;
		this.conflict = null;
	}

	private finish(value: CellValue, move: Move): void {
		const edit = this.cell!;
		// Committing with the prompt on screen is "Keep mine": their value was in plain view.
		const base = this.conflict ? this.conflict.value : this.base;
		this.close();
		const { store, live } = this.context();
		const row = store.findRow(edit.record);
		// "Keep mine" after a remote change writes even an unchanged draft: theirs is in the row.
		if (!row || !sameValue(row[edit.field], value)) {
			void live?.write([{ record: edit.record, field: edit.field, value, base }]);
		}
		this.onEnd(move);
		this.showWaiting();
	}

	/**
	 * Offers "theirs / mine" when someone else's value meets this user's: an edit that reaches
	 * the cell being edited, or a save made at the same moment as this user's (the editor opens
	 * again on the cell, with this user's value as the draft; `reveal` brings the cell into view).
	 */
	watchConflicts(
		live: GridLive,
		membersById: () => Map<string, MemberInfo>,
		reveal: (cell: Cell) => void
	): () => void {
		const nameOf = (by: string | null) => (by && membersById().get(by)?.name) || 'Someone';
		const stopEdits = live.onRemoteEdit((record, values, by) => {
			const cell = this.cell;
			if (!cell || cell.record !== record || !(cell.field in values)) return;
			const column = this.column();
			// The change that carried a concurrent save: its prompt already says so.
			if (!column || this.conflict?.isConcurrent) return;
			const value = values[cell.field] ?? null;
			this.conflict = {
				text: cellText(column, value, this.context().members),
				by: nameOf(by),
				value,
				isConcurrent: false
			};
		});
		const stopClashes = live.onClash((clash) => {
			const column = this.context().columns.find((candidate) => candidate.key === clash.field);
			if (!column) return;
			this.waiting.push({
				record: clash.doc,
				field: clash.field,
				mine: clash.mine,
				conflict: {
					text: cellText(column, clash.theirs, this.context().members),
					by: nameOf(clash.by),
					value: clash.theirs,
					isConcurrent: true
				}
			});
			this.showWaiting();
		});
		this.reveal = reveal;
		return () => {
			this.reveal = null;
			stopEdits();
			stopClashes();
		};
	}

	private reveal: ((cell: Cell) => void) | null = null;

	/** Opens the editor on the next concurrent save waiting for an answer, once none is open. */
	private showWaiting(): void {
		const next = this.waiting[0];
		const reveal = this.reveal;
		if (!next || !reveal) return;
		const { store, columns, members } = this.context();
		const col = columns.findIndex((column) => column.key === next.field);
		if (this.cell && (this.cell.record !== next.record || this.cell.field !== next.field)) return;
		this.waiting.shift();
		const row = store.indexOf(next.record);
		if (row < 0 || col < 0) return this.showWaiting();
		if (!this.cell) {
			const at = { row, col };
			if (!this.start(at, cellText(columns[col]!, next.mine, members))) return;
			reveal(at);
		}
		this.conflict = next.conflict;
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
