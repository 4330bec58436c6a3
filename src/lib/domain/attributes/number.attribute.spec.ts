import { describe, expect, it } from 'vitest';
import { numberKind } from './number.attribute';

const options = numberKind.optionsSchema.parse({});

describe('number', () => {
	it.each([
		['42', 42],
		['-12.5', -12.5],
		['1,234.5', 1234.5],
		['1 234,5', 1234.5],
		['1.234,5', 1234.5],
		['1.234.567', 1234567],
		['1,5', 1.5],
		['1,500', 1500],
		['−3', -3],
		['+7', 7],
		['1e3', 1000]
	])('reads %s as %d', (text, value) => {
		expect(numberKind.parse(text, options)).toEqual({ ok: true, value });
	});

	it('explains text that is no number', () => {
		expect(numberKind.parse('abc', options)).toEqual({
			ok: false,
			message: 'Expected a number, got "abc"'
		});
		expect(numberKind.parse('12abc', options).ok).toBe(false);
	});

	it('reads empty text as empty', () => {
		expect(numberKind.parse('  ', options)).toEqual({ ok: true, value: null });
	});

	it('is strict about JSON types', () => {
		expect(numberKind.validate('12', options)).toEqual({ ok: false, message: 'Expected a number' });
		expect(numberKind.validate(12, options)).toEqual({ ok: true, value: 12 });
	});

	it('rounds to the precision so the stored value is the one shown', () => {
		expect(numberKind.validate(2.345, { precision: 1 })).toEqual({ ok: true, value: 2.3 });
		expect(numberKind.validate(2.35, { precision: 1 })).toEqual({ ok: true, value: 2.4 });
		expect(numberKind.validate(-0.001, { precision: 2 })).toEqual({ ok: true, value: 0 });
		expect(numberKind.format(3, { precision: 2 })).toBe('3.00');
	});

	it('keeps up to ten decimals without a precision', () => {
		expect(numberKind.validate(0.1 + 0.2, options)).toEqual({ ok: true, value: 0.3 });
		expect(numberKind.format(1234567.125, options)).toBe('1,234,567.125');
		expect(numberKind.validate(1e300, options)).toEqual({ ok: true, value: 1e300 });
	});

	it('enforces minimum and maximum', () => {
		const range = numberKind.optionsSchema.parse({ min: 0, max: 10 });
		expect(numberKind.validate(-1, range)).toEqual({ ok: false, message: 'Must be at least 0' });
		expect(numberKind.parse('11', range)).toEqual({ ok: false, message: 'Must be at most 10' });
	});

	it('refuses a minimum above the maximum', () => {
		expect(numberKind.optionsSchema.safeParse({ min: 5, max: 1 }).success).toBe(false);
	});
});
