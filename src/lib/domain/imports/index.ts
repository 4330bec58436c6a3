// Imports, as the browser and the server both see them: the states of an import, what a
// preview shows, and the pure rules (reading the file's encoding, checking its header, guessing
// a new field's kind from its values) that the wizard and the job share.
import { kinds } from '../attributes/registry';
import type { AttributeKindName } from '../attributes/kind';

export type ImportFormat = 'csv' | 'xlsx';
export type ImportMode = 'add' | 'upsert' | 'skip';
export type ImportState =
	'uploaded' | 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'undoing' | 'undone';
export type ImportEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export const importEncodings: ImportEncoding[] = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252'];

/** How to read the file: chosen by the wizard, or guessed from its first bytes. */
export interface ReadOptions {
	encoding?: ImportEncoding;
	/** One character; guessed from the first lines when absent. */
	delimiter?: string;
	/** XLSX: the worksheet's name; the first sheet when absent. */
	sheet?: string;
}

/** What the job has done so far; the progress bar, the report and the undo button read it. */
export interface ImportStatus {
	id: string;
	spaceId: string;
	entityTypeId: string;
	fileName: string;
	state: ImportState;
	mode: ImportMode | null;
	totalRows: number | null;
	processedRows: number;
	added: number;
	updated: number;
	skipped: number;
	refused: number;
	/** Written rows that look like a record already there, or like another row (issue 10). */
	possibleDuplicates: number;
	error: { code: string; message: string } | null;
	createdAt: string;
	startedAt: string | null;
	finishedAt: string | null;
}

export const isFinished = (state: ImportState) =>
	state === 'done' || state === 'failed' || state === 'cancelled' || state === 'undone';

/** A column of the file as the preview shows it, with the kind a new field would get. */
export interface PreviewColumn {
	index: number;
	name: string;
	samples: string[];
	guess: KindGuess;
}

export interface KindGuess {
	kind: AttributeKindName;
	/** Choices of a guessed single select, in the order they first appear. */
	choices?: string[];
}

export interface ImportPreview {
	format: ImportFormat;
	encoding: ImportEncoding | null;
	delimiter: string | null;
	sheets: string[];
	sheet: string | null;
	columns: PreviewColumn[];
	rows: string[][];
}

/**
 * The encoding of a text file from its first bytes: a byte order mark says it outright; else
 * UTF-8 when the bytes are valid UTF-8 (ASCII is), else Windows-1252, which is what Excel on
 * Windows writes when it saves "CSV" and which decodes any byte.
 */
export function detectEncoding(head: Uint8Array): { encoding: ImportEncoding; bomLength: number } {
	if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf)
		return { encoding: 'utf-8', bomLength: 3 };
	if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
	if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
	return { encoding: isUtf8(head) ? 'utf-8' : 'windows-1252', bomLength: 0 };
}

/** Valid UTF-8, allowing the head to end inside a character (it was cut at a byte count). */
function isUtf8(bytes: Uint8Array): boolean {
	let cut = bytes.length;
	// Step back over a sequence the cut may have split: at most three continuation bytes.
	for (let back = 1; back <= 3 && bytes.length - back >= 0; back++) {
		const byte = bytes[bytes.length - back]!;
		if ((byte & 0xc0) === 0x80) continue;
		if (byte >= 0xc0) cut = bytes.length - back;
		break;
	}
	try {
		new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, cut));
		return true;
	} catch {
		return false;
	}
}

export interface HeaderProblem {
	message: string;
	column: number;
}

/**
 * Header names become field names and the mapping's labels: each must be there and unique
 * (two "Email" columns could not both map by name, and the user could not tell them apart).
 */
export function checkHeader(names: string[], maxColumns: number): HeaderProblem | null {
	if (names.length === 0) return { message: 'The file has no header row', column: 0 };
	if (names.length > maxColumns) {
		return {
			message: `The file has ${names.length} columns; at most ${maxColumns} can be imported`,
			column: maxColumns + 1
		};
	}
	const seen = new Map<string, number>();
	for (const [index, raw] of names.entries()) {
		const name = raw.trim();
		if (!name) continue;
		const key = name.toLowerCase();
		const first = seen.get(key);
		if (first !== undefined) {
			return {
				message: `Columns ${first + 1} and ${index + 1} are both called "${name}"; rename one and upload the file again`,
				column: index + 1
			};
		}
		seen.set(key, index);
	}
	return null;
}

/** A header cell left blank is named after its position, as spreadsheets label columns. */
export const columnName = (raw: string, index: number) => raw.trim() || `Column ${index + 1}`;

const MAX_CHOICES = 20;

/**
 * The kind a new field should get for a column, from sample values: the narrowest kind whose
 * parser reads every non-empty sample. A column of few distinct short words becomes a single
 * select with those words as its choices.
 */
export function guessKind(samples: string[]): KindGuess {
	const values = samples.map((sample) => sample.trim()).filter((sample) => sample !== '');
	if (values.length === 0) return { kind: 'text' };
	const readsAll = (kind: AttributeKindName) => {
		const entry = kinds[kind];
		const options = entry.optionsSchema.parse({});
		return values.every((value) => entry.parse(value, options).ok);
	};
	// A date parser reads a date and time too, dropping the time: ask for times first when any
	// value has one.
	const hasTime = values.some((value) => /\d{1,2}:\d{2}/.test(value));
	const order = hasTime
		? (['checkbox', 'number', 'datetime', 'date', 'email', 'url', 'phone'] as const)
		: (['checkbox', 'number', 'date', 'datetime', 'email', 'url', 'phone'] as const);
	for (const kind of order) {
		if (
			kind === 'checkbox' &&
			values.some((value) => /^\d+$/.test(value) && value !== '0' && value !== '1')
		)
			continue;
		if (kind === 'phone' && !values.every((value) => /^\+?[\d\s().-]{7,}$/.test(value))) continue;
		if (readsAll(kind)) return { kind };
	}
	if (values.some((value) => value.length > 255 || value.includes('\n')))
		return { kind: 'long_text' };
	const distinct = [...new Set(values)];
	const isCategorical =
		values.length >= 4 &&
		distinct.length <= MAX_CHOICES &&
		distinct.length <= values.length / 2 &&
		distinct.every((value) => value.length <= 40);
	return isCategorical ? { kind: 'single_select', choices: distinct } : { kind: 'text' };
}
