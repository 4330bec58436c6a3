// The contract every attribute kind implements. Kinds are isomorphic: the browser uses the
// same validate/parse/format as the server, so a pasted cell is judged the same way twice.
import type { z } from 'zod';

export const attributeKindNames = [
	'text',
	'long_text',
	'number',
	'currency',
	'percent',
	'date',
	'datetime',
	'checkbox',
	'single_select',
	'multi_select',
	'email',
	'phone',
	'url',
	'user',
	'relation',
	'attachment',
	'rating',
	'auto_number',
	'created_at',
	'created_by',
	'updated_at',
	'updated_by'
] as const;

export type AttributeKindName = (typeof attributeKindNames)[number];

/** Which typed column of `eav_values` holds the kind's value. */
export type StorageColumn = 'value_text' | 'value_num' | 'value_time' | 'value_bool' | 'value_json';

/** Where a computed kind reads its value from on `entities` instead of `eav_values`. */
export type EntityColumn = 'seq' | 'created_at' | 'created_by' | 'updated_at' | 'updated_by';

export interface Attachment {
	/** Storage object key. */
	key: string;
	name: string;
	size: number;
	contentType: string;
}

/** A cell value as it travels in JSON (REST bodies, Yjs maps, CSV after parse). */
export type CellValue = string | number | boolean | string[] | Attachment[] | null;

export type KindResult<T> = { ok: true; value: T } | { ok: false; message: string };

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const fail = (message: string): { ok: false; message: string } => ({ ok: false, message });

export const isAttributeKindName = (name: string): name is AttributeKindName =>
	(attributeKindNames as readonly string[]).includes(name);

export interface AttributeKind<Options = unknown, Value extends CellValue = CellValue> {
	readonly name: AttributeKindName;
	readonly label: string;
	readonly optionsSchema: z.ZodType<Options>;
	/** Where the value lives. Computed kinds (auto number, created/updated) have no storage. */
	readonly storage: StorageColumn | null;
	readonly entityColumn?: EntityColumn;
	/** Text kinds take part in full-text search. */
	readonly isSearchable: boolean;
	/**
	 * Checks a JSON value (from a REST body or a Yjs map) and returns its normal form.
	 * `null` and `undefined` mean "empty" and are always accepted here; `required` is checked
	 * by the write path.
	 */
	validate(input: unknown, options: Options): KindResult<Value | null>;
	/**
	 * Reads a value from text: a pasted cell, a CSV field, a PostgREST filter operand. `locale`
	 * is the space's (domain/locale.ts): it says whether 10/07/2026 is July or October; en-US
	 * when not given.
	 */
	parse(text: string, options: Options, locale?: string): KindResult<Value | null>;
	/**
	 * Renders a value as text for copy, CSV export and the editor's first draft: the same in
	 * every locale, and read back by `parse` in any.
	 */
	format(value: Value | null, options: Options): string;
	/**
	 * Renders a value for people to read in the space's locale (grid cells, cards, the record
	 * page): "10 Jul 2026", "1.234,50 €". Kinds without it show `format`.
	 */
	display?(value: Value, options: Options, locale: string): string;
	/** Turns a normal-form value into what the storage column takes (`pg` parameter). */
	toStorage(value: Value): string | number | boolean | Date | object;
	/** Turns what `pg` returns from the storage column back into the normal form. */
	fromStorage(raw: unknown): Value | null;
}
