// Calendar dates, wall-clock times and time zones without a date library: the date and
// datetime kinds read what people type, and Intl supplies the zone rules.
import { fail, ok, type KindResult } from './kind';
import { quoted } from './text-input';

export interface CalendarDate {
	year: number;
	month: number;
	day: number;
}

export interface WallClock extends CalendarDate {
	hour: number;
	minute: number;
	second: number;
	millisecond: number;
}

const pad = (value: number, width: number) => String(value).padStart(width, '0');

export const isoDate = ({ year, month, day }: CalendarDate) =>
	`${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

const daysInMonth = (year: number, month: number) =>
	month === 2 ? (isLeapYear(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;

// Four-digit years only: a two-digit year would need a century guess, and ISO text and
// Postgres agree on 0001..9999.
const isRealDate = ({ year, month, day }: CalendarDate) =>
	year >= 1 &&
	year <= 9999 &&
	month >= 1 &&
	month <= 12 &&
	day >= 1 &&
	day <= daysInMonth(year, month);

/** Milliseconds since the epoch for a wall clock read as UTC; years below 100 stay literal. */
export function utcMillis(clock: WallClock): number {
	const date = new Date(0);
	date.setUTCFullYear(clock.year, clock.month - 1, clock.day);
	date.setUTCHours(clock.hour, clock.minute, clock.second, clock.millisecond);
	return date.getTime();
}

export const startOfDay = (date: CalendarDate): WallClock => ({
	...date,
	hour: 0,
	minute: 0,
	second: 0,
	millisecond: 0
});

const strictDatePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Reads the normal form 'YYYY-MM-DD' only, as JSON values must carry it. */
export function readIsoDate(text: string): CalendarDate | null {
	const match = strictDatePattern.exec(text);
	if (!match) return null;
	const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
	return isRealDate(date) ? date : null;
}

// Year first is unambiguous; dots mean day first (Europe); slashes mean month first (US), the
// order spreadsheets exported in English use. Dashes with the year last are refused rather
// than guessed.
const datePatterns: Array<{ pattern: RegExp; order: [year: number, month: number, day: number] }> =
	[
		{ pattern: /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/, order: [1, 2, 3] },
		{ pattern: /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/, order: [3, 2, 1] },
		{ pattern: /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, order: [3, 1, 2] }
	];

const dateExamples = 'a date like 2025-03-14, 14.03.2025 or 03/14/2025';

/** Reads a date in any of the accepted spellings. */
function readDate(text: string): KindResult<CalendarDate> {
	for (const { pattern, order } of datePatterns) {
		const match = pattern.exec(text);
		if (!match) continue;
		const [year, month, day] = order.map((group) => Number(match[group]));
		const date = { year: year!, month: month!, day: day! };
		return isRealDate(date) ? ok(date) : fail(`There is no date ${quoted(text)}`);
	}
	return fail(`Expected ${dateExamples}, got ${quoted(text)}`);
}

// date, then 'T' or spaces, a time with optional seconds and fraction, am/pm, and a zone.
const dateTimePattern =
	/^(\S+?)(?:(?:T|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(?:([ap])\.?m\.?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?$/i;

interface DateTimeText {
	date: string;
	time?: Omit<WallClock, keyof CalendarDate>;
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
export function readDateOfDateTime(text: string): KindResult<CalendarDate> {
	const parts = splitDateTime(text);
	if (!parts) return fail(`Expected ${dateExamples}, got ${quoted(text)}`);
	return readDate(parts.date);
}

const isoExample = 'a date and time like 2025-03-14T09:30:00Z';

/**
 * Reads a date-time as an instant. `strict` is the JSON path: ISO date, a time and a zone
 * are required. Otherwise any accepted date spelling works, a missing time is midnight and a
 * missing zone is `timeZone`.
 */
export function readInstant(text: string, timeZone: string, strict: boolean): KindResult<Date> {
	const refusal = fail(
		`Expected ${strict ? isoExample : `${dateExamples}, with a time like 09:30`}, got ${quoted(text)}`
	);
	const parts = splitDateTime(text);
	if (!parts) return refusal;
	let date: CalendarDate;
	if (strict) {
		const written = readIsoDate(parts.date);
		if (!written || parts.time === undefined || parts.offset === undefined) return refusal;
		date = written;
	} else {
		const read = readDate(parts.date);
		if (!read.ok) return read;
		date = read.value;
	}
	const clock = { ...startOfDay(date), ...parts.time };
	const instant =
		parts.offset === undefined
			? wallClockToInstant(clock, timeZone)
			: utcMillis(clock) - parts.offset * 60_000;
	const year = new Date(instant).getUTCFullYear();
	return year >= 1 && year <= 9999 ? ok(new Date(instant)) : refusal;
}

const wallClockFormats = new Map<string, Intl.DateTimeFormat>();

function wallClockFormat(timeZone: string): Intl.DateTimeFormat {
	let format = wallClockFormats.get(timeZone);
	if (!format) {
		format = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: 'numeric',
			day: 'numeric',
			hour: 'numeric',
			minute: 'numeric',
			second: 'numeric'
		});
		wallClockFormats.set(timeZone, format);
	}
	return format;
}

export function isTimeZone(timeZone: string): boolean {
	try {
		wallClockFormat(timeZone);
		return true;
	} catch {
		return false;
	}
}

/** The zone's own spelling of a name Intl accepts ('utc' -> 'UTC'). */
export const canonicalTimeZone = (timeZone: string) =>
	wallClockFormat(timeZone).resolvedOptions().timeZone;

export function wallClockAt(instant: number, timeZone: string): WallClock {
	const parts = Object.fromEntries(
		wallClockFormat(timeZone)
			.formatToParts(instant)
			.map((part) => [part.type, Number(part.value)])
	);
	return {
		year: parts.year!,
		month: parts.month!,
		day: parts.day!,
		// Engines that ignore hourCycle print midnight as 24.
		hour: parts.hour! % 24,
		minute: parts.minute!,
		second: parts.second!,
		millisecond: ((instant % 1000) + 1000) % 1000
	};
}

/** Minutes east of UTC in the zone at that instant. */
const offsetAt = (instant: number, timeZone: string) =>
	(utcMillis(wallClockAt(instant, timeZone)) - instant) / 60_000;

const day = 86_400_000;

/**
 * The instant a wall clock names in a zone. In the autumn overlap the earlier instant wins;
 * in the spring gap the clock is read with the offset from before the jump (02:30 becomes
 * 03:30), as Temporal's 'compatible' disambiguation does.
 */
function wallClockToInstant(clock: WallClock, timeZone: string): number {
	const asUtc = utcMillis(clock);
	const offsets = new Set([-day, 0, day].map((shift) => offsetAt(asUtc + shift, timeZone)));
	const matches = [...offsets]
		.map((offset) => asUtc - offset * 60_000)
		.filter((instant) => utcMillis(wallClockAt(instant, timeZone)) === asUtc)
		.sort((a, b) => a - b);
	return matches[0] ?? asUtc - offsetAt(asUtc - day, timeZone) * 60_000;
}

const offsetText = (minutes: number) =>
	`${minutes < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(minutes) / 60), 2)}:${pad(Math.abs(minutes) % 60, 2)}`;

/**
 * 'YYYY-MM-DD HH:mm' in the zone, with seconds and milliseconds only when set. The offset is
 * added only for the repeated autumn hour, where the clock alone would name another instant.
 */
export function formatInstant(instant: Date, timeZone: string): string {
	const time = instant.getTime();
	const clock = wallClockAt(time, timeZone);
	let text = `${isoDate(clock)} ${pad(clock.hour, 2)}:${pad(clock.minute, 2)}`;
	if (clock.second !== 0 || clock.millisecond !== 0) text += `:${pad(clock.second, 2)}`;
	if (clock.millisecond !== 0) text += `.${pad(clock.millisecond, 3)}`;
	if (wallClockToInstant(clock, timeZone) !== time) {
		text += ` ${offsetText(offsetAt(time, timeZone))}`;
	}
	return text;
}
