// Reading the dates and times people type, for the date and datetime kinds. Month lengths, leap
// years and the zone rules (offsets, the spring gap and the autumn overlap) are
// @internationalized/date's; this file keeps only the spellings Roster accepts.
import {
	CalendarDate,
	CalendarDateTime,
	fromAbsolute,
	toCalendarDateTime
} from '@internationalized/date';
import { DEFAULT_LOCALE, dateOrder, type DateOrder } from '../locale';
import { fail, ok, type KindResult } from './kind';
import { quoted } from './text-input';

export { CalendarDate };

interface TimeOfDay {
	hour: number;
	minute: number;
	second: number;
	millisecond: number;
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

/**
 * The date, or null when there is no such day. Four-digit years only: a two-digit year would
 * need a century guess, and ISO text and Postgres agree on 0001..9999.
 */
function realDate(year: number, month: number, day: number): CalendarDate | null {
	if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return null;
	const date = new CalendarDate(year, month, day);
	// The library moves an impossible day to the month's last (February 30 -> 28).
	return date.day === day ? date : null;
}

const strictDatePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Reads the normal form 'YYYY-MM-DD' only, as JSON values must carry it. */
export function readIsoDate(text: string): CalendarDate | null {
	const match = strictDatePattern.exec(text);
	return match ? realDate(Number(match[1]), Number(match[2]), Number(match[3])) : null;
}

type Groups = [year: number, month: number, day: number];

// Year first is unambiguous; dots mean day first (Europe). Slashes with the year last follow
// the space's locale: month first only where people write dates that way (en-US), day first
// everywhere else (10/07/2026 is 10 July in en-GB). Dashes with the year last are refused
// rather than guessed.
const yearFirst = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/;
const dotted = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/;
const slashed = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

const datePatterns = (order: DateOrder): Array<{ pattern: RegExp; groups: Groups }> => [
	{ pattern: yearFirst, groups: [1, 2, 3] },
	{ pattern: dotted, groups: [3, 2, 1] },
	{ pattern: slashed, groups: order === 'mdy' ? [3, 1, 2] : [3, 2, 1] }
];

const dateExamples = (order: DateOrder) =>
	`a date like 2025-03-14, 14.03.2025 or ${order === 'mdy' ? '03/14/2025' : '14/03/2025'}`;

/** Reads a date in any of the accepted spellings, slashes in the locale's order. */
function readDate(text: string, order: DateOrder): KindResult<CalendarDate> {
	for (const { pattern, groups } of datePatterns(order)) {
		const match = pattern.exec(text);
		if (!match) continue;
		const [year, month, day] = groups.map((group) => Number(match[group]));
		const date = realDate(year!, month!, day!);
		return date ? ok(date) : fail(`There is no date ${quoted(text)}`);
	}
	return fail(`Expected ${dateExamples(order)}, got ${quoted(text)}`);
}

/**
 * The date a typed date-time is read as, when another locale would read it as another day
 * (10/07/2026: both parts could be the month); null when the text is unambiguous or no date.
 * The editor shows it back before it is saved.
 */
export function ambiguousDate(text: string, locale: string): CalendarDate | null {
	const parts = splitDateTime(text.trim());
	const match = parts && slashed.exec(parts.date);
	if (!match || match[1] === match[2]) return null;
	if (Number(match[1]) > 12 || Number(match[2]) > 12) return null;
	const read = readDate(parts.date, dateOrder(locale));
	return read.ok ? read.value : null;
}

// date, then 'T' or spaces, a time with optional seconds and fraction, am/pm, and a zone.
const dateTimePattern =
	/^(\S+?)(?:(?:T|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(?:([ap])\.?m\.?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?$/i;

interface DateTimeText {
	date: string;
	time?: TimeOfDay;
	/** Minutes east of UTC, when the text names its zone. */
	offset?: number;
}

/** Splits a date-time into its parts; null when the text does not have that shape. */
function splitDateTime(text: string): DateTimeText | null {
	const match = dateTimePattern.exec(text);
	if (!match) return null;
	const [, date, hours, minutes, seconds, fraction, meridiem, zone] = match;
	if (hours === undefined) return { date: date! };
	let hour = Number(hours);
	if (meridiem) {
		if (hour < 1 || hour > 12) return null;
		hour = (hour % 12) + (meridiem.toLowerCase() === 'p' ? 12 : 0);
	}
	const time = {
		hour,
		minute: Number(minutes),
		second: Number(seconds ?? 0),
		millisecond: Number((fraction ?? '').padEnd(3, '0').slice(0, 3))
	};
	if (time.hour > 23 || time.minute > 59 || time.second > 59) return null;
	return { date: date!, time, offset: zone === undefined ? undefined : offsetMinutes(zone) };
}

function offsetMinutes(zone: string): number {
	const match = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
	// Z, UTC and GMT are the zones written without digits.
	if (!match) return 0;
	const minutes = Number(match[2]) * 60 + Number(match[3] ?? 0);
	return match[1] === '-' ? -minutes : minutes;
}

/** The date of a date or date-time text, as written; a time part must still be a real time. */
export function readDateOfDateTime(
	text: string,
	locale = DEFAULT_LOCALE
): KindResult<CalendarDate> {
	const order = dateOrder(locale);
	const parts = splitDateTime(text);
	if (!parts) return fail(`Expected ${dateExamples(order)}, got ${quoted(text)}`);
	return readDate(parts.date, order);
}

const isoExample = 'a date and time like 2025-03-14T09:30:00Z';

/**
 * Reads a date-time as an instant. `strict` is the JSON path: ISO date, a time and a zone
 * are required. Otherwise any accepted date spelling works (slashes in `locale`'s order), a
 * missing time is midnight and a missing zone is `timeZone`.
 */
export function readInstant(
	text: string,
	timeZone: string,
	strict: boolean,
	locale = DEFAULT_LOCALE
): KindResult<Date> {
	const order = dateOrder(locale);
	const refusal = fail(
		`Expected ${strict ? isoExample : `${dateExamples(order)}, with a time like 09:30`}, got ${quoted(text)}`
	);
	const parts = splitDateTime(text);
	if (!parts) return refusal;
	let date: CalendarDate;
	if (strict) {
		const written = readIsoDate(parts.date);
		if (!written || parts.time === undefined || parts.offset === undefined) return refusal;
		date = written;
	} else {
		const read = readDate(parts.date, order);
		if (!read.ok) return read;
		date = read.value;
	}
	const { hour = 0, minute = 0, second = 0, millisecond = 0 } = parts.time ?? {};
	const clock = new CalendarDateTime(
		date.year,
		date.month,
		date.day,
		hour,
		minute,
		second,
		millisecond
	);
	// Without a zone in the text, the field's zone reads the clock. In the autumn overlap the
	// earlier instant wins; in the spring gap the clock is read with the offset from before the
	// jump (02:30 becomes 03:30): Temporal's 'compatible' disambiguation.
	const instant =
		parts.offset === undefined
			? clock.toDate(timeZone, 'compatible').getTime()
			: clock.toDate('UTC').getTime() - parts.offset * 60_000;
	const year = new Date(instant).getUTCFullYear();
	return year >= 1 && year <= 9999 ? ok(new Date(instant)) : refusal;
}

const canonicalZones = new Map<string, string>();

/** The zone's own spelling of a name Intl accepts ('utc' -> 'UTC'); throws for other names. */
export function canonicalTimeZone(timeZone: string): string {
	let canonical = canonicalZones.get(timeZone);
	if (canonical === undefined) {
		canonical = new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
		canonicalZones.set(timeZone, canonical);
	}
	return canonical;
}

export function isTimeZone(timeZone: string): boolean {
	try {
		canonicalTimeZone(timeZone);
		return true;
	} catch {
		return false;
	}
}

const offsetText = (milliseconds: number) => {
	const minutes = Math.round(Math.abs(milliseconds) / 60_000);
	return `${milliseconds < 0 ? '-' : '+'}${pad(Math.floor(minutes / 60), 2)}:${pad(minutes % 60, 2)}`;
};

/**
 * 'YYYY-MM-DD HH:mm' in the zone, with seconds and milliseconds only when set. The offset is
 * added only for the repeated autumn hour, where the clock alone would name another instant.
 */
export function formatInstant(instant: Date, timeZone: string): string {
	const time = instant.getTime();
	const clock = fromAbsolute(time, timeZone);
	let text = `${toCalendarDateTime(clock).toString().slice(0, 16).replace('T', ' ')}`;
	if (clock.second !== 0 || clock.millisecond !== 0) text += `:${pad(clock.second, 2)}`;
	if (clock.millisecond !== 0) text += `.${pad(clock.millisecond, 3)}`;
	if (toCalendarDateTime(clock).toDate(timeZone, 'compatible').getTime() !== time) {
		text += ` ${offsetText(clock.offset)}`;
	}
	return text;
}

/**
 * The wall clock an instant shows in a zone, as milliseconds read as if it were UTC: what a
 * spreadsheet, which has no zones, should hold for a datetime cell.
 */
export function wallClockMillis(instant: number, timeZone: string): number {
	return toCalendarDateTime(fromAbsolute(instant, timeZone)).toDate('UTC').getTime();
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

function dateFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
	const key = `${locale}|${JSON.stringify(options)}`;
	let format = dateFormats.get(key);
	if (!format) {
		format = new Intl.DateTimeFormat(locale, options);
		dateFormats.set(key, format);
	}
	return format;
}

/**
 * A calendar date as people of the locale read it, the month in words so no order can be
 * misread: "Jul 10, 2026" (en-US), "10 Jul 2026" (en-GB); `style` long spells it out.
 */
export function displayDate(
	date: CalendarDate,
	locale: string,
	style: 'medium' | 'long' = 'medium'
): string {
	return dateFormat(locale, { dateStyle: style, timeZone: 'UTC' }).format(date.toDate('UTC'));
}

/** An instant as the locale reads it in the zone, to the minute: "10 Jul 2026, 09:30". */
export function displayInstant(instant: Date, timeZone: string, locale: string): string {
	return dateFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(instant);
}
