// What a paste does to the sheet, worked out without a DOM: which cells of loaded rows change,
// which cells get an error, which new rows the block runs into, and where the selection ends.
// The grid then only carries the plan out (writes, errors, row creation, notices).
import type { CellValue } from '$lib/domain/attributes/kind';
import { parseCell, type GridField, type MemberInfo } from './fields';
import type { CellChange } from './live.svelte';
import type { GridRow } from './row-store.svelte';
import { sameValue } from './range-edits';
import type { Cell, CellRange } from './selection.svelte';

/** A cell that could not take its pasted text, on a row that exists. */
export interface CellError {
	record: string;
	field: string;
	message: string;
}

/** A row the block runs past the end of the sheet into: its values and what failed to parse. */
export interface NewRow {
	values: Record<string, CellValue>;
	errors: { field: string; message: string }[];
}

export interface PastePlan {
	changes: CellChange[];
	errors: CellError[];
	newRows: NewRow[];
	/** Rows inside the sheet that were not loaded yet: left unchanged. */
	unloaded: number;
	/** The pasted block, selected. */
	selection: { anchor: Cell; active: Cell };
}

export interface PasteTarget {
	/** The parsed clipboard text (parseTsv), at least one line. */
	block: string[][];
	/** The selection the paste lands on; its top left corner is where the block starts. */
	range: CellRange;
	columns: GridField[];
	/** How many rows the sheet has; rows at or past it are new. */
	total: number;
	rowAt(index: number): GridRow | undefined;
	members: MemberInfo[];
}

/** One value pasted onto a larger selection fills it, as spreadsheets do. */
export function fillBlock(block: string[][], range: CellRange): string[][] {
	const isSingle = block.length === 1 && block[0]!.length === 1;
	const isLarger = range.bottom > range.top || range.right > range.left;
	if (!isSingle || !isLarger) return block;
	const value = block[0]![0]!;
	return Array.from({ length: range.bottom - range.top + 1 }, () =>
		Array.from({ length: range.right - range.left + 1 }, () => value)
	);
}

export function planPaste(target: PasteTarget): PastePlan {
	const { columns, total, members } = target;
	const { top, left } = target.range;
	const block = fillBlock(target.block, target.range);
	const plan: PastePlan = {
		changes: [],
		errors: [],
		newRows: [],
		unloaded: 0,
		selection: { anchor: { row: top, col: left }, active: { row: top, col: left } }
	};
	for (const [offset, line] of block.entries()) {
		const rowIndex = top + offset;
		const row = rowIndex < total ? target.rowAt(rowIndex) : undefined;
		if (rowIndex < total && !row) {
			plan.unloaded++;
			continue;
		}
		const newRow: NewRow = { values: {}, errors: [] };
		for (const [shift, text] of line.entries()) {
			const column = columns[left + shift];
			if (!column) break;
			if (column.isComputed) continue;
			const parsed = parseCell(column, text, members);
			if (!parsed.ok) {
				if (row) plan.errors.push({ record: row.id, field: column.key, message: parsed.message });
				else newRow.errors.push({ field: column.key, message: parsed.message });
			} else if (row) {
				if (!sameValue(row[column.key], parsed.value))
					plan.changes.push({ record: row.id, field: column.key, value: parsed.value });
			} else if (parsed.value !== null) newRow.values[column.key] = parsed.value;
		}
		if (!row) plan.newRows.push(newRow);
	}
	const widest = Math.max(...block.map((line) => line.length));
	plan.selection.active = {
		row: top + block.length - 1,
		col: Math.min(columns.length - 1, left + widest - 1)
	};
	return plan;
}

/**
 * New rows missing a required field cannot exist: they are reported, with the reason (the parse
 * error of that field when there was one), instead of sent.
 */
export function splitCreatable(
	newRows: NewRow[],
	columns: GridField[]
): { creatable: NewRow[]; rejections: string[] } {
	const required = columns.filter((column) => column.isRequired && !column.isComputed);
	const creatable: NewRow[] = [];
	const rejections: string[] = [];
	for (const newRow of newRows) {
		const missing = required.find((column) => newRow.values[column.key] === undefined);
		if (!missing) {
			creatable.push(newRow);
			continue;
		}
		const reason = newRow.errors.find((error) => error.field === missing.key)?.message;
		rejections.push(`A pasted row was not added: ${reason ?? `${missing.name} is required`}.`);
	}
	return { creatable, rejections };
}
