// Reads what `pg` returns from a storage column: numeric arrives as a string (pg keeps it
// exact), bigint as a number or string, timestamptz as a Date, jsonb already parsed.
import { AppError, AppErrorCode } from '../errors';

// A value the write path never produces means a bug or a hand edit; failing loudly beats
// showing a blank cell that a later save would overwrite.
function unreadable(raw: unknown): never {
	throw new AppError(AppErrorCode.Internal, 'A stored value could not be read', {
		details: { type: raw instanceof Date ? 'invalid date' : typeof raw }
	});
}

export function readStoredText(raw: unknown): string | null {
	if (raw === null || raw === undefined) return null;
	return typeof raw === 'string' ? raw : unreadable(raw);
}

export function readStoredNumber(raw: unknown): number | null {
	if (raw === null || raw === undefined) return null;
	const value =
		typeof raw === 'number'
			? raw
			: typeof raw === 'string' || typeof raw === 'bigint'
				? Number(raw)
				: NaN;
	return Number.isFinite(value) ? value : unreadable(raw);
}

export function readStoredBoolean(raw: unknown): boolean | null {
	if (raw === null || raw === undefined) return null;
	return typeof raw === 'boolean' ? raw : unreadable(raw);
}

export function readStoredInstant(raw: unknown): Date | null {
	if (raw === null || raw === undefined) return null;
	const instant = raw instanceof Date ? raw : typeof raw === 'string' ? new Date(raw) : null;
	return instant !== null && !Number.isNaN(instant.getTime()) ? instant : unreadable(raw);
}

/** A list stored in `value_json`; the text form appears when a driver leaves jsonb unparsed. */
export function readStoredList(raw: unknown): unknown[] | null {
	if (raw === null || raw === undefined) return null;
	const list = typeof raw === 'string' ? parseJson(raw) : raw;
	return Array.isArray(list) ? list : unreadable(raw);
}

export function readStoredTextList(raw: unknown): string[] | null {
	const list = readStoredList(raw);
	if (list === null) return null;
	return list.every((item) => typeof item === 'string') ? (list as string[]) : unreadable(raw);
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return unreadable(text);
	}
}

// pg turns a JS array parameter into a Postgres array literal, which jsonb rejects; JSON text
// is what the column takes.
export const toStoredJson = (value: unknown) => JSON.stringify(value);
