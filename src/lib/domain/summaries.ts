// Column summaries: what a sheet's footer can say about one field over the whole filtered view
// (not the rows loaded in the browser). Which summaries a field offers follows from where its
// kind keeps values: numbers add up, times have an earliest and a latest, checkboxes count
// ticks, and every field can count its empty, filled and distinct values.
import { kindOf } from './attributes';
import type { AttributeKindName, CellValue, StorageColumn } from './attributes/kind';

export const summaryNames = [
	'count',
	'empty',
	'filled',
	'unique',
	'percent_filled',
	'checked',
	'unchecked',
	'sum',
	'average',
	'min',
	'max',
	'earliest',
	'latest'
] as const;

export type SummaryName = (typeof summaryNames)[number];

export const summaryLabels: Record<SummaryName, string> = {
	count: 'Count',
	empty: 'Empty',
	filled: 'Filled',
	unique: 'Unique',
	percent_filled: 'Percent filled',
	checked: 'Checked',
	unchecked: 'Unchecked',
	sum: 'Sum',
	average: 'Average',
	min: 'Min',
	max: 'Max',
	earliest: 'Earliest',
	latest: 'Latest'
};

type SummaryColumn = StorageColumn | 'entity_number' | 'entity_time' | 'entity_user';

const everyField: SummaryName[] = ['count', 'empty', 'filled', 'unique', 'percent_filled'];
const byStorage: Partial<Record<SummaryColumn, SummaryName[]>> = {
	value_num: ['sum', 'average', 'min', 'max'],
	entity_number: ['min', 'max'],
	value_time: ['earliest', 'latest'],
	entity_time: ['earliest', 'latest'],
	value_bool: ['checked', 'unchecked']
};

/** Where a kind's summaries are computed: an EAV column, or a column of the record itself. */
export function summaryColumnOf(kind: AttributeKindName): SummaryColumn | null {
	const definition = kindOf(kind);
	if (definition.storage) return definition.storage;
	switch (definition.entityColumn) {
		case 'seq':
			return 'entity_number';
		case 'created_at':
		case 'updated_at':
			return 'entity_time';
		case 'created_by':
		case 'updated_by':
			return 'entity_user';
		default:
			return null;
	}
}

/** The summaries a field of `kind` offers, in menu order. */
export function summariesFor(kind: AttributeKindName): SummaryName[] {
	const column = summaryColumnOf(kind);
	if (column === null) return [];
	// A checkbox is never empty (unticked is false): ticks are what it counts.
	if (column === 'value_bool') return ['count', ...byStorage.value_bool!];
	return [...everyField, ...(byStorage[column] ?? [])];
}

export const isSummaryFor = (kind: AttributeKindName, name: string): name is SummaryName =>
	(summariesFor(kind) as string[]).includes(name);

/** A summary as the server answers it: a count, or a value of the field's own kind. */
export type SummaryResult =
	| { type: 'count'; count: number; of: number }
	| { type: 'percent'; percent: number | null }
	| { type: 'value'; value: CellValue };

/** Summaries that answer with a value of the field's kind (formatted by the kind). */
export const valueSummaries = new Set<SummaryName>(['sum', 'min', 'max', 'earliest', 'latest']);
