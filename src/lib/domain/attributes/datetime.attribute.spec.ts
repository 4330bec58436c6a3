import { describe, expect, it } from 'vitest';
import { datetimeKind } from './datetime.attribute';

const utc = datetimeKind.optionsSchema.parse({});
const berlin = datetimeKind.optionsSchema.parse({ timeZone: 'Europe/Berlin' });

describe('datetime', () => {
	it('defaults to UTC and refuses unknown zones', () => {
		expect(utc).toEqual({ timeZone: 'UTC' });
		expect(datetimeKind.optionsSchema.safeParse({ timeZone: 'Mars/Olympus' }).success).toBe(false);
	});

	it('normalizes any ISO offset to UTC', () => {
		expect(datetimeKind.validate('2025-03-14T10:30:00+01:00', utc)).toEqual({
			ok: true,
			value: '2025-03-14T09:30:00.000Z'
		});
		expect(datetimeKind.validate('2025-03-14T09:30:00.123456Z', utc)).toEqual({
			ok: true,
			value: '2025-03-14T09:30:00.123Z'
		});
	});

	it('wants a zone and a time in JSON', () => {
		const message = 'Expected a date and time like 2025-03-14T09:30:00Z, got "2025-03-14T09:30"';
		expect(datetimeKind.validate('2025-03-14T09:30', utc)).toEqual({ ok: false, message });
		expect(datetimeKind.validate('2025-03-14', utc).ok).toBe(false);
		expect(datetimeKind.validate(1741944600000, utc).ok).toBe(false);
	});

	it('reads a pasted time without zone in the field zone', () => {
		expect(datetimeKind.parse('2025-03-14 09:30', berlin)).toEqual({
			ok: true,
			value: '2025-03-14T08:30:00.000Z'
		});
		expect(datetimeKind.parse('2025-07-14 09:30', berlin)).toEqual({
			ok: true,
			value: '2025-07-14T07:30:00.000Z'
		});
		expect(datetimeKind.parse('14.03.2025 9:30', utc)).toEqual({
			ok: true,
			value: '2025-03-14T09:30:00.000Z'
		});
		expect(datetimeKind.parse('03/14/2025 9:30 PM', utc)).toEqual({
			ok: true,
			value: '2025-03-14T21:30:00.000Z'
		});
		expect(datetimeKind.parse('2025-03-14', berlin)).toEqual({
			ok: true,
			value: '2025-03-13T23:00:00.000Z'
		});
	});

	it('refuses impossible times', () => {
		expect(datetimeKind.parse('2025-03-14 24:00', utc).ok).toBe(false);
		expect(datetimeKind.parse('2025-03-14 13:00 pm', utc).ok).toBe(false);
		expect(datetimeKind.parse('soon', utc).ok).toBe(false);
	});

	it('shows the wall clock of the field zone', () => {
		expect(datetimeKind.format('2025-03-14T08:30:00.000Z', berlin)).toBe('2025-03-14 09:30');
		expect(datetimeKind.format('2025-03-14T08:30:05.250Z', utc)).toBe('2025-03-14 08:30:05.250');
	});

	it('reads a clock time skipped in spring as after the jump', () => {
		expect(datetimeKind.parse('2025-03-30 02:30', berlin)).toEqual({
			ok: true,
			value: '2025-03-30T01:30:00.000Z'
		});
	});

	it('names the offset for the repeated autumn hour so both instants survive a copy', () => {
		const first = '2025-10-26T00:30:00.000Z';
		const second = '2025-10-26T01:30:00.000Z';
		expect(datetimeKind.format(first, berlin)).toBe('2025-10-26 02:30');
		expect(datetimeKind.format(second, berlin)).toBe('2025-10-26 02:30 +01:00');
		for (const value of [first, second]) {
			expect(datetimeKind.parse(datetimeKind.format(value, berlin), berlin)).toEqual({
				ok: true,
				value
			});
		}
	});
});
