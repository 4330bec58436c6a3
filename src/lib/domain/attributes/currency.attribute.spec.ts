import { describe, expect, it } from 'vitest';
import { currencyKind, largestAmount } from './currency.attribute';

const euro = currencyKind.optionsSchema.parse({});

describe('currency', () => {
	it('defaults to euros with cents', () => {
		expect(euro).toEqual({ currency: 'EUR', precision: 2 });
	});

	it('accepts known currency codes in any case and refuses others', () => {
		expect(currencyKind.optionsSchema.parse({ currency: 'chf' }).currency).toBe('CHF');
		expect(currencyKind.optionsSchema.safeParse({ currency: 'XYZ' }).success).toBe(false);
	});

	it('formats with the symbol in a fixed locale', () => {
		expect(currencyKind.format(1234.5, euro)).toBe('€1,234.50');
		expect(currencyKind.format(-5, euro)).toBe('-€5.00');
		expect(currencyKind.format(5, { currency: 'CHF', precision: 2 })).toBe('CHF 5.00');
	});

	it.each([
		['€1,234.50', 1234.5],
		['1.234,50 €', 1234.5],
		['EUR 12', 12],
		['-€5', -5],
		['7.005', 7.01]
	])('reads %s as %d', (text, value) => {
		expect(currencyKind.parse(text, euro)).toEqual({ ok: true, value });
	});

	it('refuses an amount in another currency', () => {
		expect(currencyKind.parse('$5', euro)).toEqual({
			ok: false,
			message: 'Expected an amount in EUR, got "$5"'
		});
		expect(currencyKind.parse('$5', { currency: 'USD', precision: 2 })).toEqual({
			ok: true,
			value: 5
		});
	});

	it('refuses amounts too large to keep to the cent, typed or sent', () => {
		// A currency cell accepted 1e308 and showed a 309-digit price.
		expect(currencyKind.parse('1e308', euro).ok).toBe(false);
		expect(currencyKind.validate(1e308, euro).ok).toBe(false);
		expect(currencyKind.validate(-1e20, euro).ok).toBe(false);
		expect(currencyKind.validate(90_000_000_000_000, euro)).toEqual({
			ok: true,
			value: 90_000_000_000_000
		});
		expect(currencyKind.parse('1e308', euro)).toEqual({
			ok: false,
			message: `Must be at most ${largestAmount(2)}`
		});
	});
});
