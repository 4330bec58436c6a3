// Reads an uploaded table row by row, straight from storage: CSV through papaparse (RFC 4180,
// any delimiter, quoted newlines) after decoding the bytes, XLSX through exceljs's streaming
// reader. Nothing holds the whole file, so memory stays flat whatever its size.
import { Readable, Transform } from 'node:stream';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import type { ImportEncoding, ImportFormat } from '$lib/domain/imports';

export type Cells = string[];

/** What the first bytes say a file is; `null` when it is neither CSV nor XLSX. */
export function formatOf(head: Uint8Array): ImportFormat | null {
	if (head.length === 0) return null;
	// XLSX is a zip: local file header "PK\3\4".
	if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'xlsx';
	const isUtf16 = (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff);
	// Binary formats (old .xls, PDF, images) carry NULs and control bytes that text never does.
	if (!isUtf16) {
		let control = 0;
		for (const byte of head.subarray(0, 4096)) {
			if (byte === 0) return null;
			if (byte < 0x09 || (byte > 0x0d && byte < 0x20)) control++;
		}
		if (control > 8) return null;
	}
	return 'csv';
}

/** Bytes to text, refusing bytes that are not valid in the chosen encoding with where they are. */
function decode(encoding: ImportEncoding): Transform {
	// Windows-1252 decodes every byte; UTF-8 and UTF-16 refuse what they cannot read instead of
	// writing U+FFFD into someone's data. The decoder drops a byte order mark itself.
	const decoder = new TextDecoder(encoding, { fatal: true });
	let offset = 0;
	return new Transform({
		readableObjectMode: false,
		transform(chunk: Buffer, _encoding, done) {
			try {
				const text = decoder.decode(chunk, { stream: true });
				offset += chunk.byteLength;
				done(null, text);
			} catch {
				done(notEncoded(encoding, offset));
			}
		},
		flush(done) {
			try {
				done(null, decoder.decode());
			} catch {
				done(notEncoded(encoding, offset));
			}
		}
	});
}

const notEncoded = (encoding: ImportEncoding, offset: number) =>
	new AppError(
		AppErrorCode.InvalidInput,
		`The file is not valid ${encoding.toUpperCase()} (near byte ${offset}); choose its encoding and try again`,
		{ field: 'encoding' }
	);

/** The rows of a CSV file, header first. */
export async function* readCsv(
	body: ReadableStream<Uint8Array>,
	options: { encoding: ImportEncoding; delimiter: string }
): AsyncGenerator<Cells> {
	const parser = Papa.parse(Papa.NODE_STREAM_INPUT, {
		delimiter: options.delimiter,
		skipEmptyLines: true
	}) as unknown as NodeJS.ReadWriteStream;
	const source = Readable.fromWeb(body as never);
	const text = decode(options.encoding);
	let failure: unknown = null;
	const fail = (error: unknown) => {
		failure ??= error;
		(parser as unknown as Readable).destroy();
	};
	source.on('error', fail);
	text.on('error', fail);
	source.pipe(text).pipe(parser);
	try {
		for await (const row of parser as unknown as AsyncIterable<Cells>) yield row;
	} catch (error) {
		throw failure ?? error;
	} finally {
		source.destroy();
	}
	if (failure) throw failure;
}

/** The delimiter of a CSV file from its first lines, as papaparse guesses it. */
export function guessDelimiter(text: string): string {
	// Blank lines would count as one-field rows and outvote a delimiter every real row shares.
	const result = Papa.parse<string[]>(text, { preview: 20, delimiter: '', skipEmptyLines: true });
	return result.meta.delimiter || ',';
}

/** A cell of a worksheet as text, the way the spreadsheet shows it. */
function cellText(value: ExcelJS.CellValue): string {
	if (value === null || value === undefined) return '';
	if (value instanceof Date) {
		const iso = value.toISOString();
		// Excel keeps dates as days: midnight means a date, anything else a date and time.
		return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
	}
	if (typeof value === 'number') return String(value);
	if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
	if (typeof value === 'string') return value;
	if ('richText' in value) return value.richText.map((run) => run.text).join('');
	if ('formula' in value || 'sharedFormula' in value)
		return cellText((value as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue);
	if ('hyperlink' in value) return String((value as ExcelJS.CellHyperlinkValue).text ?? '');
	if ('error' in value) return '';
	return String(value);
}

interface Worksheet extends AsyncIterable<ExcelJS.Row> {
	name: string;
}

/**
 * The rows of one worksheet of an XLSX file, header first (the first when `sheet` is absent).
 * `onSheet` hears each worksheet's name as the reader passes it.
 */
export async function* readXlsx(
	body: ReadableStream<Uint8Array>,
	options: { sheet?: string; onSheet?: (name: string) => void }
): AsyncGenerator<Cells> {
	const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.fromWeb(body as never), {
		sharedStrings: 'cache',
		hyperlinks: 'ignore',
		styles: 'cache',
		worksheets: 'emit',
		entries: 'emit'
	});
	let found = false;
	try {
		for await (const worksheet of reader as unknown as AsyncIterable<Worksheet>) {
			options.onSheet?.(worksheet.name);
			const isWanted = options.sheet === undefined ? !found : worksheet.name === options.sheet;
			if (!isWanted || found) {
				for await (const _row of worksheet) void _row;
				continue;
			}
			found = true;
			for await (const row of worksheet) {
				const values = row.values as ExcelJS.CellValue[];
				const cells: Cells = [];
				for (let column = 1; column < values.length; column++) cells.push(cellText(values[column]));
				yield cells;
			}
		}
	} catch (error) {
		throw new AppError(
			AppErrorCode.InvalidInput,
			`The file is not a readable XLSX workbook: ${(error as Error).message}`,
			{
				field: 'file'
			}
		);
	}
	if (!found && options.sheet !== undefined) {
		throw new AppError(AppErrorCode.InvalidInput, `The workbook has no sheet "${options.sheet}"`, {
			field: 'sheet'
		});
	}
}
