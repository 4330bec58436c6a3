// How the record page reads and shows values: a field's value as words (for read-only fields and
// the history), the record's title, and the text an input starts from. Kinds do the real work.
import type { GridField, MemberInfo } from '$lib/client/grid/fields';
import type { Attachment, CellValue } from '$lib/domain/attributes/kind';

export type RecordField = GridField;

const isUserKind = (kind: string) =>
	kind === 'user' || kind === 'created_by' || kind === 'updated_by';

export const isEmpty = (value: unknown) =>
	value === null ||
	value === undefined ||
	value === '' ||
	(Array.isArray(value) && value.length === 0);

/** A value in words, as the history and read-only fields show it ('' for empty). */
export function describeValue(
	field: Pick<RecordField, 'kind' | 'impl' | 'options'> | null,
	value: unknown,
	members: readonly MemberInfo[]
): string {
	if (isEmpty(value)) return '';
	if (!field) return typeof value === 'string' ? value : JSON.stringify(value);
	if (field.kind === 'checkbox') return value === true ? 'Checked' : 'Unchecked';
	if (isUserKind(field.kind) && typeof value === 'string')
		return members.find((member) => member.userId === value)?.name ?? 'Unknown user';
	if (field.kind === 'relation' && Array.isArray(value))
		return value.length === 1 ? '1 linked record' : `${value.length} linked records`;
	if (field.kind === 'attachment' && Array.isArray(value))
		return (value as Attachment[]).map((file) => file.name).join(', ');
	if (field.kind === 'rating' && typeof value === 'number') {
		const max = Number(field.options.max ?? 5);
		return `${'★'.repeat(value)}${'☆'.repeat(Math.max(0, max - value))}`;
	}
	try {
		return field.impl.format(value as CellValue, field.options);
	} catch {
		return String(value);
	}
}

/** The text an input shows for a value, to edit it and read it back with the kind's parse. */
export function inputText(field: RecordField, value: CellValue): string {
	if (value === null || value === undefined) return '';
	if (field.kind === 'datetime') {
		// datetime-local wants "2025-03-14T09:30"; the kind formats "2025-03-14 09:30" in its zone.
		return field.impl.format(value, field.options).replace(' ', 'T');
	}
	return field.impl.format(value, field.options);
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
	const number = fields.find((candidate) => candidate.kind === 'auto_number');
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
