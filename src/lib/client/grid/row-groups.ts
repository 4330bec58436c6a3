// Group labels of a grouped sheet: the query sorts by the group field first, so a group opens
// at each row whose group text differs from the row above.
import { cellText, type GridField, type MemberInfo } from './fields';
import type { GridRow } from './row-store.svelte';

/** The group row `index` opens, or null; null too when it or the row above is not loaded. */
export function groupOpenedAt(
	index: number,
	rowAt: (index: number) => GridRow | undefined,
	groupField: GridField,
	members: MemberInfo[]
): string | null {
	const textOf = (row: GridRow) =>
		cellText(groupField, row[groupField.key] ?? null, members) || 'Empty';
	const row = rowAt(index);
	if (!row) return null;
	const text = textOf(row);
	if (index === 0) return text;
	const previous = rowAt(index - 1);
	if (!previous) return null;
	return textOf(previous) === text ? null : text;
}
