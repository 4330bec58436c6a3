// SQL building blocks: a parameter collector (every value goes into `$n`, never into the SQL
// text) and the storage columns' types.
import type { StorageColumn } from '$lib/domain/attributes/kind';

/** Collects parameters: every value goes into `$n`, never into the SQL text. */
export class Params {
	readonly values: unknown[] = [];

	add(value: unknown): string {
		this.values.push(value);
		return `$${this.values.length}`;
	}
}

/** The Postgres type of each EAV storage column, for casts of parameters and values. */
export const storageColumnTypes: Record<StorageColumn, string> = {
	value_text: 'text',
	value_num: 'numeric',
	value_time: 'timestamptz',
	value_bool: 'boolean',
	value_json: 'jsonb'
};

/** The EAV storage columns, in the order the upserts write them. */
export const storageColumns = Object.keys(storageColumnTypes) as StorageColumn[];
