// How each field kind reads in an export: the text a CSV cell holds (the kind's own `format`,
// as the grid shows it, with member names and linked records' titles in place of ids), and the
// typed value an XLSX cell holds (numbers as numbers, dates as dates, checkboxes as booleans).
// One entry per kind, held together by `satisfies Record<AttributeKindName, ...>` like the kind
// registry, so a new kind cannot be exported by accident as something else.
import type { Attachment, AttributeKindName, CellValue } from '$lib/domain/attributes/kind';
import { wallClockMillis } from '$lib/domain/attributes/calendar';
import type { GridField } from '$lib/domain/view-fields';

/** A column of the export: a field of the sheet as the grid reads it. */
export type ExportColumn = Pick<GridField, 'key' | 'name' | 'kind' | 'impl' | 'options'>;

/** Names the export shows instead of ids; undefined when unknown (the id is shown then). */
export interface ExportLookups {
	memberName(userId: string): string | undefined;
	recordTitle(recordId: string): string | undefined;
}

export type SheetValue = string | number | boolean | Date | null;

interface KindExport {
	/**
	 * The kind's text is built from a number, date or boolean and can never start a formula,
	 * so CSV leaves it alone: a negative amount stays a number a spreadsheet can sum.
	 */
	isFormulaSafe: boolean;
	text(value: CellValue, column: ExportColumn, lookups: ExportLookups): string;
	sheet(value: CellValue, column: ExportColumn, lookups: ExportLookups): SheetValue;
	/** The XLSX number format of the column, when the cell value alone does not say it. */
	numberFormat?(options: Record<string, unknown>): string;
}

const formatted = (value: CellValue, column: ExportColumn): string =>
	value === null || value === undefined ? '' : column.impl.format(value, column.options);

const textOrEmpty = (text: string): SheetValue => (text === '' ? null : text);

/** Text kinds: the kind's format, as a string cell (a string cell is never a formula). */
const asText: KindExport = {
	isFormulaSafe: false,
	text: formatted,
	sheet: (value, column) => textOrEmpty(formatted(value, column))
};

const decimals = (precision: unknown) =>
	typeof precision === 'number' && precision > 0 ? `.${'0'.repeat(precision)}` : '';

const asNumber = (numberFormat?: KindExport['numberFormat']): KindExport => ({
	isFormulaSafe: true,
	text: formatted,
	sheet: (value) => (typeof value === 'number' ? value : null),
	numberFormat
});

const asDate: KindExport = {
	isFormulaSafe: true,
	text: formatted,
	// The date as UTC midnight: Excel serials have no zone and exceljs counts them in UTC.
	sheet: (value) => (typeof value === 'string' ? new Date(`${value}T00:00:00Z`) : null),
	numberFormat: () => 'yyyy-mm-dd'
};

const asDateTime: KindExport = {
	isFormulaSafe: true,
	text: formatted,
	// Excel has no zones either: the cell holds the wall clock of the field's zone, which is
	// what the grid shows, written as if it were UTC.
	sheet: (value, column) =>
		typeof value === 'string'
			? new Date(wallClockMillis(Date.parse(value), String(column.options.timeZone ?? 'UTC')))
			: null,
	numberFormat: () => 'yyyy-mm-dd hh:mm'
};

const memberText = (value: CellValue, _column: ExportColumn, lookups: ExportLookups) =>
	typeof value === 'string' ? (lookups.memberName(value) ?? value) : '';

const asMember: KindExport = {
	isFormulaSafe: false,
	text: memberText,
	sheet: (value, column, lookups) => textOrEmpty(memberText(value, column, lookups))
};

const linkedText = (value: CellValue, _column: ExportColumn, lookups: ExportLookups) =>
	Array.isArray(value)
		? (value as string[]).map((id) => lookups.recordTitle(id) ?? id).join(', ')
		: '';

const currencyFormat = (options: Record<string, unknown>) => {
	const currency = String(options.currency ?? 'EUR');
	const symbol =
		new Intl.NumberFormat('en-US', { style: 'currency', currency })
			.formatToParts(0)
			.find((part) => part.type === 'currency')?.value ?? currency;
	return `"${symbol.replaceAll('"', '')}"#,##0${decimals(options.precision)}`;
};

export const kindExports = {
	text: asText,
	long_text: asText,
	email: asText,
	phone: asText,
	url: asText,
	single_select: asText,
	multi_select: asText,
	attachment: {
		...asText,
		// File names only: the storage keys are the app's business, not the spreadsheet's.
		text: (value) =>
			Array.isArray(value) ? (value as Attachment[]).map((file) => file.name).join(', ') : ''
	},
	number: asNumber((options) =>
		options.precision === undefined ? 'General' : `#,##0${decimals(options.precision)}`
	),
	currency: asNumber(currencyFormat),
	percent: {
		...asNumber((options) => `0${decimals(options.precision)}%`),
		// A spreadsheet's percent format multiplies by 100; the field keeps 12.5 for 12.5 %.
		sheet: (value) => (typeof value === 'number' ? value / 100 : null)
	},
	rating: asNumber(),
	auto_number: asNumber(),
	date: asDate,
	datetime: asDateTime,
	created_at: asDateTime,
	updated_at: asDateTime,
	checkbox: {
		isFormulaSafe: true,
		text: formatted,
		sheet: (value) => value === true
	},
	user: asMember,
	created_by: asMember,
	updated_by: asMember,
	relation: {
		isFormulaSafe: false,
		text: linkedText,
		sheet: (value, column, lookups) => textOrEmpty(linkedText(value, column, lookups))
	}
} satisfies Record<AttributeKindName, KindExport>;

export const kindExportOf = (column: Pick<ExportColumn, 'kind'>): KindExport =>
	kindExports[column.kind];
