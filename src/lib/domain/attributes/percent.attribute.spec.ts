import { describe, expect, it } from 'vitest';
import { percentKind } from './percent.attribute';

const options = percentKind.optionsSchema.parse({});

describe('percent', () => {
	it('keeps the figure the user sees: 12.5 is 12.5 %', () => {
		expect(percentKind.parse('12.5%', options)).toEqual({ ok: true, value: 12.5 });
		expect(percentKind.parse('12.5 %', options)).toEqual({ ok: true, value: 12.5 });
		expect(percentKind.parse('12.5', options)).toEqual({ ok: true, value: 12.5 });
		expect(percentKind.format(12.5, options)).toBe('12.5%');
	});

	it('formats with a fixed number of decimals when set', () => {
		expect(percentKind.format(50, { precision: 1 })).toBe('50.0%');
	});

	it('explains what it expected', () => {
		expect(percentKind.parse('half', options)).toEqual({
			ok: false,
			message: 'Expected a percentage, got "half"'
		});
		expect(percentKind.parse('5%%', options).ok).toBe(false);
	});
});
