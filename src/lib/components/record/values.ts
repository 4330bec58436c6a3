// How the record page reads and shows values: a field's value as words (for read-only fields and
// the history) and the record's title. Kinds do the real work (components/kinds).
import type { GridField, MemberInfo } from '$lib/client/grid/fields';
import type { CellValue } from '$lib/domain/attributes/kind';
import { shownOrRaw, isEmpty } from '$lib/components/kinds/format';
import { kindViews } from '$lib/components/kinds/registry';

export type RecordField = GridField;

export { isEmpty };

/** A value in words, as the history and read-only fields show it ('' for empty). */
export function describeValue(
	field: Pick<RecordField, 'kind' | 'impl' | 'options' | 'locale'> | null,
	value: unknown,
	members: readonly MemberInfo[]
): string {
	if (isEmpty(value)) return '';
	if (!field) return typeof value === 'string' ? value : JSON.stringify(value);
	const words = kindViews[field.kind].describe?.(value as CellValue, field, members);
	if (words !== undefined) return words;
	return shownOrRaw(field, value as CellValue);
}

/** A record's name: its title field's value, else its number. */
export function recordTitle(
	fields: readonly RecordField[],
	titleKey: string | null,
	values: Record<string, CellValue>
): string {
	const field = fields.find((candidate) => candidate.key === titleKey);
	const title = field ? describeValue(field, values[field.key], []) : '';
	if (title.trim()) return title;
	const number = fields.find((candidate) => candidate.impl.entityColumn === 'seq');
	return number && values[number.key] !== null
		? `Record #${values[number.key]}`
		: 'Untitled record';
}

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const absolute = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });

/** "just now", "5 minutes ago", "yesterday", then the date. */
export function timeAgo(iso: string, now = Date.now()): string {
	const seconds = Math.round((Date.parse(iso) - now) / 1000);
	const abs = Math.abs(seconds);
	if (abs < 45) return 'just now';
	if (abs < 3_600) return relative.format(Math.round(seconds / 60), 'minute');
	if (abs < 86_400) return relative.format(Math.round(seconds / 3_600), 'hour');
	if (abs < 7 * 86_400) return relative.format(Math.round(seconds / 86_400), 'day');
	return absolute.format(new Date(iso));
}

export const fullTime = (iso: string) => absolute.format(new Date(iso));

/** Reads an error body from the API ({ code, message, field }) into a sentence. */
export async function apiError(response: Response): Promise<{ message: string; field?: string }> {
	try {
		const body = (await response.json()) as { message?: string; field?: string };
		return { message: body.message ?? `The server answered ${response.status}`, field: body.field };
	} catch {
		return { message: `The server answered ${response.status}` };
	}
}
