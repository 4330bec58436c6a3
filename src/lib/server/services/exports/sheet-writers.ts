// The two file formats an export writes, behind one shape: a header, chunks of records, an end.
// Each writes into a Node stream and returns after a chunk; the caller waits for the stream to
// drain before it fetches the next chunk, so a slow download slows the database reads down.
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { FlatRecord } from '../records/read';
import { CSV_BOM, csvLine } from './csv';
import { kindExportOf, type ExportColumn, type ExportLookups } from './export-cells';

export interface SheetWriter {
	writeRecords(records: FlatRecord[], lookups: ExportLookups): void;
	finish(): Promise<void>;
}

export const contentTypes = {
	csv: 'text/csv; charset=utf-8',
	xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
} as const;

export type ExportFormat = keyof typeof contentTypes;

/** RFC 4180 with a BOM and a header row of field names; one write per chunk. */
export function createCsvWriter(output: Writable, columns: ExportColumn[]): SheetWriter {
	const kinds = columns.map(kindExportOf);
	const isFormulaSafe = kinds.map((kind) => kind.isFormulaSafe);
	// Field names are typed by editors, so the header is neutralised like any text.
	output.write(CSV_BOM + csvLine(columns.map((column) => column.name)));
	return {
		writeRecords(records, lookups) {
			let text = '';
			for (const record of records) {
				const texts = columns.map((column, index) =>
					kinds[index]!.text(record[column.key] ?? null, column, lookups)
				);
				text += csvLine(texts, isFormulaSafe);
			}
			output.write(text);
		},
		finish: () =>
			new Promise<void>((resolve, reject) => {
				output.once('error', reject);
				output.end(resolve);
			})
	};
}

/** Excel forbids these in sheet names and caps them at 31 characters. */
export function sheetName(name: string): string {
	const cleaned = name
		.replace(/[[\]:*?/\\]/g, ' ')
		.replace(/^'+|'+$/g, '')
		.replace(/\s+/g, ' ')
		.trim()
		.slice(0, 31);
	return cleaned || 'Sheet1';
}

/** Grid widths are pixels; a spreadsheet column is about 7 px per character at the default font. */
const PIXELS_PER_CHARACTER = 7;

/**
 * exceljs's streaming writer: rows are committed as they are written and leave memory; strings
 * are inline (no shared-string table to hold until the end). A string cell is never a formula,
 * so XLSX needs no neutralising.
 */
export function createXlsxWriter(
	output: Writable,
	columns: ExportColumn[],
	options: { sheet: string; widths?: Record<string, number> }
): SheetWriter {
	const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
		stream: output,
		useStyles: true,
		useSharedStrings: false
	});
	const worksheet = workbook.addWorksheet(sheetName(options.sheet), {
		views: [{ state: 'frozen', ySplit: 1 }]
	});
	const kinds = columns.map(kindExportOf);
	worksheet.columns = columns.map((column, index) => {
		const numFmt = kinds[index]!.numberFormat?.(column.options);
		const pixels = options.widths?.[column.key];
		return {
			key: column.key,
			width: pixels
				? Math.round(pixels / PIXELS_PER_CHARACTER)
				: Math.max(10, column.name.length + 2),
			...(numFmt ? { style: { numFmt } } : {})
		};
	});
	const header = worksheet.addRow(columns.map((column) => column.name));
	header.font = { bold: true };
	header.commit();
	return {
		writeRecords(records, lookups) {
			for (const record of records) {
				worksheet
					.addRow(
						columns.map((column, index) =>
							kinds[index]!.sheet(record[column.key] ?? null, column, lookups)
						)
					)
					.commit();
			}
		},
		async finish() {
			worksheet.commit();
			await workbook.commit();
		}
	};
}
