// The selected range as text (copy) and as a set of emptied cells (Delete, cut): plain functions
// over the rows and columns, so the grid only carries them out.
import type { CellValue } from '$lib/domain/attributes/kind';
import { cellText, checkValue, emptyValue, type GridField, type MemberInfo } from './fields';
import type { CellChange } from './live.svelte';
import type { GridRow } from './row-store.svelte';
import type { CellError } from './paste-plan';
import type { CellRange } from './selection.svelte';
import { toTsv } from './tsv';

/** Values compare by content: a pasted or emptied cell equal to what it holds is not written. */
export const sameValue = (a: CellValue | undefined, b: CellValue | undefined) =>
	JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The range as TSV, as spreadsheets put it on the clipboard; rows not loaded give empty cells. */
export function copyRange(
	range: CellRange,
	columns: GridField[],
	rowAt: (index: number) => GridRow | undefined,
	members: MemberInfo[]
): string {
	const lines: string[][] = [];
	for (let rowIndex = range.top; rowIndex <= range.bottom; rowIndex++) {
		const row = rowAt(rowIndex);
		const line: string[] = [];
		for (let colIndex = range.left; colIndex <= range.right; colIndex++) {
			const column = columns[colIndex]!;
			line.push(row ? cellText(column, row[column.key] ?? null, members) : '');
		}
		lines.push(line);
	}
	return toTsv(lines);
}

/**
 * Emptying the range: a change per loaded, writable cell that is not empty already, and an error
 * for a cell that may not be empty (a required field).
 */
export function planClear(
	range: CellRange,
	columns: GridField[],
	rowAt: (index: number) => GridRow | undefined
): { changes: CellChange[]; errors: CellError[] } {
	const changes: CellChange[] = [];
	const errors: CellError[] = [];
	for (let rowIndex = range.top; rowIndex <= range.bottom; rowIndex++) {
		const row = rowAt(rowIndex);
		if (!row) continue;
		for (let colIndex = range.left; colIndex <= range.right; colIndex++) {
			const column = columns[colIndex];
			if (!column || column.isComputed) continue;
			const value = emptyValue(column);
			const checked = checkValue(column, value);
			if (!checked.ok) errors.push({ record: row.id, field: column.key, message: checked.message });
			else if (!sameValue(row[column.key], value))
				changes.push({ record: row.id, field: column.key, value });
		}
	}
	return { changes, errors };
}
