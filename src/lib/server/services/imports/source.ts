// An import's file as rows: which format and encoding it is (from its first bytes, unless the
// wizard chose), and a row stream over it. Preview and job read it the same way.
import { AppError, AppErrorCode } from '$lib/domain/errors';
import { detectEncoding, type ImportEncoding, type ReadOptions } from '$lib/domain/imports';
import type { FileStorage } from '../../adapters/storage';
import { formatOf, guessDelimiter, readCsv, readXlsx, type Cells } from './read-table';

const HEAD_BYTES = 64 * 1024;

async function openFile(storage: FileStorage, key: string) {
	const file = await storage.open(key);
	if (!file) {
		throw new AppError(AppErrorCode.NotFound, 'The file did not arrive; upload it again', {
			field: 'file'
		});
	}
	return file;
}

/** The first bytes of a stored file. */
async function readHead(storage: FileStorage, key: string): Promise<Uint8Array> {
	const file = await openFile(storage, key);
	const reader = file.stream.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	try {
		while (size < HEAD_BYTES) {
			const { done, value } = await reader.read();
			if (done) break;
			chunks.push(value);
			size += value.byteLength;
		}
	} finally {
		await reader.cancel().catch(() => undefined);
	}
	return Buffer.concat(chunks).subarray(0, HEAD_BYTES);
}

export interface ResolvedSource {
	format: 'csv' | 'xlsx';
	encoding: ImportEncoding | null;
	delimiter: string | null;
	sheet: string | null;
}

/** Looks at the file's first bytes: its format, and for CSV its encoding and delimiter. */
export async function resolveSource(
	storage: FileStorage,
	key: string,
	options: ReadOptions
): Promise<ResolvedSource> {
	const head = await readHead(storage, key);
	if (head.length === 0) {
		throw new AppError(AppErrorCode.InvalidInput, 'The file is empty', { field: 'file' });
	}
	const format = formatOf(head);
	if (!format) {
		throw new AppError(
			AppErrorCode.InvalidInput,
			'The file is neither CSV nor XLSX; export it from your spreadsheet as CSV or Excel workbook (.xlsx)',
			{ field: 'file' }
		);
	}
	if (format === 'xlsx')
		return { format, encoding: null, delimiter: null, sheet: options.sheet ?? null };
	const detected = detectEncoding(head);
	const encoding = options.encoding ?? detected.encoding;
	let text: string;
	try {
		text = new TextDecoder(encoding, { fatal: false }).decode(head);
	} catch {
		text = '';
	}
	const delimiter = options.delimiter ?? guessDelimiter(text);
	return { format, encoding, delimiter, sheet: null };
}

/** The file's rows, header first. */
export async function* readRows(
	storage: FileStorage,
	key: string,
	source: ResolvedSource,
	onSheet?: (name: string) => void
): AsyncGenerator<Cells> {
	const file = await openFile(storage, key);
	if (source.format === 'xlsx') {
		yield* readXlsx(file.stream, { sheet: source.sheet ?? undefined, onSheet });
	} else {
		yield* readCsv(file.stream, { encoding: source.encoding!, delimiter: source.delimiter! });
	}
}
