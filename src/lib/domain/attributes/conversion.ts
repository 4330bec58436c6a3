// Carrying values across a change of a field's kind or options. Values that cannot be carried
// are reported, never dropped silently: the caller keeps them and shows them to the user.
import { renamedChoice, type SelectOptions } from './choices';
import { fail, ok, type AttributeKindName, type CellValue, type KindResult } from './kind';
import type { Attribute } from '../schema';
import { kinds } from './registry';

/** An attribute's kind and its options as `parseOptions` returned them (as stored). */
export type FieldShape = Pick<Attribute, 'kind'> & { options: unknown };

export interface ConversionFailure {
	index: number;
	value: CellValue | null;
	message: string;
}

export interface ConversionPreview {
	converted: number;
	failures: ConversionFailure[];
}

const selectKinds = new Set<AttributeKindName>(['single_select', 'multi_select']);
const numericKinds = new Set<AttributeKindName>([
	'number',
	'currency',
	'percent',
	'rating',
	'auto_number'
]);

/**
 * Numbers move between numeric kinds as numbers (text would carry '€' or '%' along), and
 * choices follow their id through renames; everything else goes through text: formatted by
 * the old kind, parsed by the new one, as a user copying the column would.
 */
export function convertValue({
	value,
	from,
	to
}: {
	value: CellValue | null;
	from: FieldShape;
	to: FieldShape;
}): KindResult<CellValue | null> {
	const source = kinds[from.kind];
	const target = kinds[to.kind];
	if (value === null) return target.validate(null, to.options);
	// Computed values come from the entity row and are not checked as writes.
	const current = source.storage === null ? ok(value) : source.validate(value, from.options);
	if (!current.ok || current.value === null) return current;
	const known = current.value as CellValue;

	if (selectKinds.has(from.kind) && selectKinds.has(to.kind)) {
		const names = (Array.isArray(known) ? (known as string[]) : [known as string]).map((name) =>
			renamedChoice(name, from.options as SelectOptions, to.options as SelectOptions)
		);
		if (to.kind === 'multi_select') return target.validate(names, to.options);
		if (names.length > 1) {
			return fail(`Has ${names.length} choices (${names.join(', ')}); a single select keeps one`);
		}
		return target.validate(names[0], to.options);
	}
	if (from.kind === to.kind || (numericKinds.has(from.kind) && numericKinds.has(to.kind))) {
		return target.validate(known, to.options);
	}
	// Spreadsheets count TRUE as 1; a rating of 0 is empty.
	if (from.kind === 'checkbox' && numericKinds.has(to.kind)) {
		return target.validate(known ? 1 : 0, to.options);
	}
	return target.parse(source.format(known, from.options), to.options);
}

/** What a kind change would do to a column, for the field editor before it saves. */
export function previewConversion(
	values: readonly (CellValue | null)[],
	from: FieldShape,
	to: FieldShape
): ConversionPreview {
	const failures: ConversionFailure[] = [];
	values.forEach((value, index) => {
		const result = convertValue({ value, from, to });
		if (!result.ok) failures.push({ index, value, message: result.message });
	});
	return { converted: values.length - failures.length, failures };
}
