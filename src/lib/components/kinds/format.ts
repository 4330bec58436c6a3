// A value as its kind writes it ('' for empty): `formatted` is the text an input starts with
// (read back by the kind's parse in any locale), `shown` what people read, in the space's locale.
import { kinds, type AnyAttributeKind } from '$lib/domain/attributes';
import type { AttributeKindName, CellValue } from '$lib/domain/attributes/kind';
import type { GridField } from '$lib/client/grid/fields';

export const formatted = (
	field: Pick<GridField, 'impl' | 'options'>,
	value: CellValue | undefined
) =>
	value === null || value === undefined || value === ''
		? ''
		: field.impl.format(value, field.options);

const display = (
	impl: AnyAttributeKind,
	value: CellValue,
	options: Record<string, unknown>,
	locale: string
) => (impl.display ? impl.display(value, options, locale) : impl.format(value, options));

/** A value as a grid cell or the record page shows it: "10 Jul 2026", "1.234,50 €". */
export const shown = (
	field: Pick<GridField, 'impl' | 'options' | 'locale'>,
	value: CellValue | undefined
) =>
	value === null || value === undefined || value === ''
		? ''
		: display(field.impl, value, field.options, field.locale);

/** The same for a field as the board receives it (no kind attached yet). */
export const shownByKind = (
	field: { kind: AttributeKindName; options: Record<string, unknown> },
	value: CellValue | undefined,
	locale: string
) =>
	value === null || value === undefined
		? ''
		: display(kinds[field.kind], value, field.options, locale);

/** Nothing to show: no value, no text, or an empty list. */
export const isEmpty = (value: unknown) =>
	value === null ||
	value === undefined ||
	value === '' ||
	(Array.isArray(value) && value.length === 0);

/** A stored value in its kind's words; a value the kind cannot show shows as it is. */
export function shownOrRaw(
	field: Pick<GridField, 'impl' | 'options' | 'locale'>,
	value: CellValue
) {
	try {
		return display(field.impl, value, field.options, field.locale);
	} catch {
		return String(value);
	}
}
