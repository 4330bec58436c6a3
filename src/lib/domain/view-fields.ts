// The sheet's fields as a view shows them (the grid, the board, an export): each attribute with its kind and parsed options, and
// the columns a view shows (order, hidden, widths). Reading, typing and pasting a cell all go
// through the kind's own parse/validate/format, the same code the server runs.
import { kinds, type AnyAttributeKind } from '$lib/domain/attributes';
import type { AttributeKindName, CellValue, KindResult } from '$lib/domain/attributes/kind';
import { MAX_COLUMN_WIDTH, MIN_COLUMN_WIDTH } from '$lib/domain/view-config';
import { effectiveConfig } from '$lib/domain/view-query';
import { DEFAULT_LOCALE, firstDayOf, type SpaceLocale, type WeekDay } from '$lib/domain/locale';
import type { Attribute, EntityType, MemberIdentity } from '$lib/domain/schema';
import type { ViewConfig } from '$lib/domain/views';

/** An attribute as the grid reads it from the space layout's entity types. */
export type AttributeInfo = Pick<
	Attribute,
	'id' | 'key' | 'name' | 'kind' | 'options' | 'position' | 'isRequired' | 'isUnique'
>;

export type EntityTypeInfo = Pick<EntityType, 'id' | 'key' | 'name'> & {
	attributes: AttributeInfo[];
};

export interface GridField {
	id: string;
	key: string;
	name: string;
	kind: AttributeKindName;
	impl: AnyAttributeKind;
	/** The kind's options with defaults filled in. */
	options: Record<string, unknown>;
	isRequired: boolean;
	/** Computed kinds (auto number, created/updated) can never be written. */
	isComputed: boolean;
	/** The space's locale: how the field's values are read and shown. */
	locale: string;
	/** The first day of the week in the space's date pickers. */
	weekStart: WeekDay;
}

export interface GridColumn extends GridField {
	width: number;
	/** Left edge in px from the start of the scrolling columns. */
	left: number;
}

/** A member of the space, for user cells. */
export type MemberInfo = MemberIdentity;

const defaultWidths: Partial<Record<AttributeKindName, number>> = {
	checkbox: 90,
	rating: 130,
	number: 120,
	currency: 130,
	percent: 100,
	date: 130,
	datetime: 170,
	auto_number: 90,
	created_at: 170,
	updated_at: 170,
	long_text: 260,
	email: 220,
	url: 220,
	multi_select: 220,
	relation: 220,
	attachment: 180
};

/** A resize stays within what a saved view accepts (view-config.ts). */
export { MAX_COLUMN_WIDTH, MIN_COLUMN_WIDTH };

const defaultSpaceLocale: SpaceLocale = { locale: DEFAULT_LOCALE, weekStart: null };

export function toGridField(
	attribute: AttributeInfo,
	space: SpaceLocale = defaultSpaceLocale
): GridField {
	const impl = kinds[attribute.kind];
	const parsed = impl.optionsSchema.safeParse(attribute.options ?? {});
	return {
		id: attribute.id,
		key: attribute.key,
		name: attribute.name,
		kind: attribute.kind,
		impl,
		options: (parsed.success ? parsed.data : {}) as Record<string, unknown>,
		isRequired: attribute.isRequired,
		isComputed: impl.storage === null,
		locale: space.locale,
		weekStart: firstDayOf(space)
	};
}

/** The fields in view order: the view's order first, the rest in schema order. */
export function orderedFields(
	attributes: AttributeInfo[],
	config: ViewConfig,
	space: SpaceLocale
): GridField[] {
	const bySchema = [...attributes]
		.sort((a, b) => a.position - b.position)
		.map((attribute) => toGridField(attribute, space));
	const order = config.order ?? [];
	const rank = (key: string) => {
		const index = order.indexOf(key);
		return index < 0 ? order.length : index;
	};
	return bySchema
		.map((field, index) => ({ field, index }))
		.sort((a, b) => rank(a.field.key) - rank(b.field.key) || a.index - b.index)
		.map(({ field }) => field);
}

export function defaultWidth(field: GridField): number {
	return defaultWidths[field.kind] ?? 180;
}

/** The shown columns with their widths and left edges. */
export function layoutColumns(fields: GridField[], config: ViewConfig): GridColumn[] {
	const hidden = new Set(config.hidden ?? []);
	let left = 0;
	return fields
		.filter((field) => !hidden.has(field.key))
		.map((field) => {
			const saved = config.widths?.[field.key];
			const width = saved
				? Math.min(MAX_COLUMN_WIDTH, Math.max(MIN_COLUMN_WIDTH, saved))
				: defaultWidth(field);
			const column = { ...field, width, left };
			left += width;
			return column;
		});
}

/** Moves `key` before `beforeKey` (or to the end) and returns the new full order. */
export function moveColumn(order: string[], key: string, beforeKey: string | null): string[] {
	const without = order.filter((candidate) => candidate !== key);
	const at = beforeKey === null ? without.length : without.indexOf(beforeKey);
	without.splice(at < 0 ? without.length : at, 0, key);
	return without;
}

/** `key` moved beside `neighbour` in `order` (left or right of it); at the end without it. */
export function placeBeside(
	order: string[],
	key: string,
	neighbour: string,
	side: 'left' | 'right'
): string[] {
	const without = order.filter((candidate) => candidate !== key);
	const at = without.indexOf(neighbour);
	if (at < 0) return [...without, key];
	return moveColumn(without, key, side === 'left' ? neighbour : (without[at + 1] ?? null));
}

export const isUserKind = (kind: AttributeKindName) =>
	kind === 'user' || kind === 'created_by' || kind === 'updated_by';

/** A cell's value as text: what is copied, and what a text editor starts with. */
export function cellText(field: GridField, value: CellValue, members: MemberInfo[]): string {
	if (value === null || value === undefined) return '';
	if (isUserKind(field.kind) && typeof value === 'string') {
		return members.find((member) => member.userId === value)?.name ?? value;
	}
	if (field.kind === 'checkbox') return value ? 'TRUE' : 'FALSE';
	return field.impl.format(value, field.options);
}

/** Reads typed or pasted text for a cell. User cells also take a member's name or email. */
export function parseCell(
	field: GridField,
	text: string,
	members: MemberInfo[]
): KindResult<CellValue> {
	if (field.isComputed) return { ok: false, message: `${field.name} is computed` };
	if (isUserKind(field.kind)) {
		const wanted = text.trim().toLowerCase();
		const member = members.find(
			(candidate) =>
				candidate.name.toLowerCase() === wanted || candidate.email.toLowerCase() === wanted
		);
		if (member) return { ok: true, value: member.userId };
	}
	const parsed = field.impl.parse(text, field.options, field.locale);
	if (!parsed.ok) return parsed;
	if (parsed.value === null && field.isRequired) {
		return { ok: false, message: `${field.name} is required` };
	}
	return parsed;
}

/** Checks a value made by an editor (a picked choice, a toggled box) before it is sent. */
export function checkValue(field: GridField, value: CellValue): KindResult<CellValue> {
	if (field.isComputed) return { ok: false, message: `${field.name} is computed` };
	const checked = field.impl.validate(value, field.options);
	if (!checked.ok) return checked;
	if (checked.value === null && field.isRequired) {
		return { ok: false, message: `${field.name} is required` };
	}
	return checked;
}

/** The empty value of a field, as Delete leaves it. */
export const emptyValue = (field: GridField): CellValue =>
	field.kind === 'checkbox' ? false : null;

export { effectiveConfig };

const titleKinds = new Set(['text', 'email', 'phone', 'url', 'auto_number', 'single_select']);

/** The field that names a record: the first text-like field in schema order. */
export function titleFieldOf(type: EntityTypeInfo): string | null {
	const sorted = [...type.attributes].sort((a, b) => a.position - b.position);
	return (sorted.find((attribute) => titleKinds.has(attribute.kind)) ?? sorted[0])?.key ?? null;
}
