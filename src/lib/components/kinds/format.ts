// A value as its kind writes it, '' for empty: what most kinds show.
import { kinds } from '$lib/domain/attributes';
import type { AttributeKindName, CellValue } from '$lib/domain/attributes/kind';
import type { GridField } from '$lib/client/grid/fields';

export const formatted = (
	field: Pick<GridField, 'impl' | 'options'>,
	value: CellValue | undefined
) =>
	value === null || value === undefined || value === ''
		? ''
		: field.impl.format(value, field.options);

/** The same for a field as the board receives it (no kind attached yet). */
export const formattedByKind = (
	field: { kind: AttributeKindName; options: Record<string, unknown> },
	value: CellValue | undefined
) => (value === null || value === undefined ? '' : kinds[field.kind].format(value, field.options));

/** Nothing to show: no value, no text, or an empty list. */
export const isEmpty = (value: unknown) =>
	value === null ||
	value === undefined ||
	value === '' ||
	(Array.isArray(value) && value.length === 0);

/** A stored value in its kind's words; a value the kind cannot format shows as it is. */
export function formattedOrRaw(field: Pick<GridField, 'impl' | 'options'>, value: CellValue) {
	try {
		return field.impl.format(value, field.options);
	} catch {
		return String(value);
	}
}
