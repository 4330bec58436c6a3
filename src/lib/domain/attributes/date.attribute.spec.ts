import { describe, expect, it } from 'vitest';
import { dateKind } from './date.attribute';

const options = dateKind.optionsSchema.parse({});

describe('date', () => {
	it.each([
		['2025-03-14', '2025-03-14'],
		['2025-3-4', '2025-03-04'],
		['2025/03/14', '2025-03-14'],
		['14.03.2025', '2025-03-14'],
		['4.3.2025', '2025-03-04'],
		['03/14/2025', '2025-03-14'],
		['2025-03-14T23:30:00-05:00', '2025-03-14'],
		['2025-03-14 09:30', '2025-03-14']
	])('reads %s as %s', (text, value) => {
		expect(dateKind.parse(text, options)).toEqual({ ok: true, value });
	});

	it('reads slashes in US order', () => {
		expect(dateKind.parse('04/03/2025', options)).toEqual({ ok: true, value: '2025-04-03' });
		expect(dateKind.parse('14/03/2025', options)).toEqual({
			ok: false,
			message: 'There is no date "14/03/2025"'
		});
	});

	it('refuses dates the calendar does not have', () => {
		expect(dateKind.parse('2025-02-29', options).ok).toBe(false);
		expect(dateKind.parse('2024-02-29', options)).toEqual({ ok: true, value: '2024-02-29' });
		expect(dateKind.parse('2025-13-01', options).ok).toBe(false);
		expect(dateKind.parse('2025-03-14 25:00', options).ok).toBe(false);
	});

	it('explains which spellings it reads', () => {
		expect(dateKind.parse('next friday', options)).toEqual({
			ok: false,
			message: 'Expected a date like 2025-03-14, 14.03.2025 or 03/14/2025, got "next friday"'
		});
		expect(dateKind.parse('14-03-25', options).ok).toBe(false);
	});

	it('takes only the normal form as JSON', () => {
		expect(dateKind.validate('2025-03-14', options)).toEqual({ ok: true, value: '2025-03-14' });
		expect(dateKind.validate('14.03.2025', options)).toEqual({
			ok: false,
			message: 'Expected a date like 2025-03-14'
		});
		expect(dateKind.validate(20250314, options).ok).toBe(false);
	});

	it('is stored as UTC midnight', () => {
		expect(dateKind.toStorage('0099-12-31')).toEqual(new Date('0099-12-31T00:00:00Z'));
		expect(dateKind.fromStorage(new Date('2025-03-14T00:00:00Z'))).toBe('2025-03-14');
	});
});
