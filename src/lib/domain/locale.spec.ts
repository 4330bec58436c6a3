import { describe, expect, it } from 'vitest';
import { ambiguousDate, displayDate, displayInstant } from './attributes/calendar';
import { dateKind } from './attributes/date.attribute';
import { datetimeKind } from './attributes/datetime.attribute';
import { currencyKind } from './attributes/currency.attribute';
import { numberKind } from './attributes/number.attribute';
import { canonicalLocale, dateOrder, firstDayOf, localeSchema, weekStartOf } from './locale';

describe('a space locale', () => {
	it('knows the order people write dates in, and the first day of their week', () => {
		expect(dateOrder('en-US')).toBe('mdy');
		expect(dateOrder('en-GB')).toBe('dmy');
		expect(dateOrder('de-DE')).toBe('dmy');
		expect(dateOrder('ja-JP')).toBe('ymd');
		expect(weekStartOf('en-US')).toBe(0);
		expect(weekStartOf('en-GB')).toBe(1);
		expect(weekStartOf('de-DE')).toBe(1);
		expect(firstDayOf({ locale: 'en-GB', weekStart: null })).toBe(1);
		expect(firstDayOf({ locale: 'en-GB', weekStart: 0 })).toBe(0);
	});

	it('accepts tags Intl knows, in their canonical spelling, and refuses the rest', () => {
		expect(canonicalLocale('en-gb')).toBe('en-GB');
		expect(localeSchema.parse(' de-DE ')).toBe('de-DE');
		expect(localeSchema.safeParse('not a locale').success).toBe(false);
	});
});

describe('dates typed in a space', () => {
	it('reads slashes day first in en-GB and month first in en-US', () => {
		expect(dateKind.parse('10/07/2026', {}, 'en-GB')).toEqual({ ok: true, value: '2026-07-10' });
		expect(dateKind.parse('10/07/2026', {}, 'en-US')).toEqual({ ok: true, value: '2026-10-07' });
		expect(dateKind.parse('10/07/2026', {}, 'de-DE')).toEqual({ ok: true, value: '2026-07-10' });
		// Dots and ISO mean the same everywhere.
		expect(dateKind.parse('10.07.2026', {}, 'en-US')).toEqual({ ok: true, value: '2026-07-10' });
		expect(dateKind.parse('2026-07-10', {}, 'en-GB')).toEqual({ ok: true, value: '2026-07-10' });
		// Without a locale: en-US, as every space was read before the setting.
		expect(dateKind.parse('10/07/2026', {})).toEqual({ ok: true, value: '2026-10-07' });
	});

	it('refuses a day that does not exist in the locale order', () => {
		expect(dateKind.parse('31/12/2026', {}, 'en-GB')).toEqual({ ok: true, value: '2026-12-31' });
		expect(dateKind.parse('31/12/2026', {}, 'en-US').ok).toBe(false);
		expect(dateKind.parse('12/31/2026', {}, 'en-GB').ok).toBe(false);
	});

	it('reads a date and time with slashes in the locale order too', () => {
		const options = { timeZone: 'Europe/London' };
		expect(datetimeKind.parse('10/07/2026 09:30', options, 'en-GB')).toEqual({
			ok: true,
			value: '2026-07-10T08:30:00.000Z'
		});
	});

	it('says how an ambiguous date is read, and nothing for one that is not', () => {
		expect(ambiguousDate('10/07/2026', 'en-GB')?.toString()).toBe('2026-07-10');
		expect(ambiguousDate('10/07/2026', 'en-US')?.toString()).toBe('2026-10-07');
		expect(ambiguousDate('31/07/2026', 'en-GB')).toBeNull();
		expect(ambiguousDate('07/07/2026', 'en-GB')).toBeNull();
		expect(ambiguousDate('10.07.2026', 'en-GB')).toBeNull();
		expect(ambiguousDate('2026-07-10', 'en-GB')).toBeNull();
		expect(displayDate(ambiguousDate('10/07/2026', 'en-GB')!, 'en-GB', 'long')).toBe(
			'10 July 2026'
		);
	});
});

describe('values shown in a space', () => {
	it('spells dates, date-times and amounts the locale way, never with milliseconds', () => {
		expect(dateKind.display!('2026-07-10', {}, 'en-GB')).toBe('10 Jul 2026');
		expect(dateKind.display!('2026-07-10', {}, 'en-US')).toBe('Jul 10, 2026');
		const instant = '2026-07-10T08:30:12.345Z';
		expect(datetimeKind.display!(instant, { timeZone: 'Europe/Berlin' }, 'de-DE')).toBe(
			'10.07.2026, 10:30'
		);
		expect(displayInstant(new Date(instant), 'UTC', 'en-GB')).toBe('10 Jul 2026, 08:30');
		expect(currencyKind.display!(1234.5, { currency: 'EUR', precision: 2 }, 'de-DE')).toBe(
			'1.234,50\u00a0€'
		);
		expect(numberKind.display!(1234.5, {}, 'de-DE')).toBe('1.234,5');
		// Copy and CSV keep the one text every locale reads back.
		expect(dateKind.format('2026-07-10', {})).toBe('2026-07-10');
	});
});
