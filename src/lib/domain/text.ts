// Text Postgres cannot store: U+0000 (text and jsonb refuse it) and a lone UTF-16 surrogate
// half (jsonb refuses its escape; text would silently become U+FFFD). Every way into the app
// checks input with `refuseUnstorableText` once, so a bad character is a 400 naming its field
// instead of a database error halfway through a write.
import { AppError, AppErrorCode } from './errors';

export interface UnstorableText {
	/** Where in the input: `name`, `values.title`, `0.tags.2`; empty for the input itself. */
	path: string;
	message: string;
}

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `text` cannot be stored, or null when it can. */
export function unstorableReason(text: string): string | null {
	if (text.includes('\u0000')) return 'must not contain a NUL character (U+0000)';
	if (LONE_SURROGATE.test(text)) return 'must be valid Unicode text (a lone surrogate half)';
	return null;
}

const MAX_DEPTH = 64;

/**
 * The first string (value or object key) in `value` that cannot be stored, with its path; null
 * when there is none. Nesting past 64 levels is reported too, so a hostile body cannot make the
 * walk, or the services after it, recurse without bound.
 */
export function findUnstorableText(value: unknown, path: string[] = []): UnstorableText | null {
	if (typeof value === 'string') {
		const reason = unstorableReason(value);
		return reason ? { path: path.join('.'), message: reason } : null;
	}
	if (value === null || typeof value !== 'object') return null;
	if (path.length >= MAX_DEPTH) {
		return { path: path.join('.'), message: `is nested more than ${MAX_DEPTH} levels deep` };
	}
	const entries = Array.isArray(value)
		? value.map((item, index) => [String(index), item] as const)
		: Object.entries(value);
	for (const [key, item] of entries) {
		const keyReason = unstorableReason(key);
		if (keyReason) {
			const printable = Array.from(key, (char) => (unstorableReason(char) ? '?' : char)).join('');
			return { path: [...path, printable].join('.'), message: `key ${keyReason}` };
		}
		const found = findUnstorableText(item, [...path, key]);
		if (found) return found;
	}
	return null;
}

/**
 * Throws InvalidInput naming the first unstorable string in `value`. `field` prefixes the path
 * (`values` for a record's values); with neither, the field is `body`.
 */
export function refuseUnstorableText(value: unknown, field?: string): void {
	const found = findUnstorableText(value);
	if (!found) return;
	const name = [field, found.path].filter(Boolean).join('.') || 'body';
	throw new AppError(AppErrorCode.InvalidInput, `${name}: ${found.message}`, { field: name });
}
