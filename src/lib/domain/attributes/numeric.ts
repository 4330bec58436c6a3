// Numbers as people paste them (thousands separators, a decimal comma, a Unicode minus) and as
// the grid shows them. Shared by number, currency, percent and rating.
import { fail, ok, type KindResult } from './kind';

/** Decimals kept when a field sets no precision; more would only carry float noise. */
const maxDecimals = 10;

const numberPattern = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/**
 * Reads '1,234.5', '1.234,5', '1 234,5', '1,5' or '−12'; null when the text is no number.
 * With both separators present the last one marks the decimals. A lone comma is a decimal
 * comma unless exactly three digits follow it, so '1,500' stays fifteen hundred as in the US.
 */
export function readNumber(text: string): number | null {
	let digits = text.replace(/[\s'’]/g, '').replace(/^[−–]/, '-');
	const lastComma = digits.lastIndexOf(',');
	const lastDot = digits.lastIndexOf('.');
	if (lastComma !== -1 && lastDot !== -1) {
		digits =
			lastComma > lastDot ? digits.replace(/\./g, '').replace(',', '.') : digits.replace(/,/g, '');
	} else if (lastComma !== -1) {
		const isDecimalComma = digits.indexOf(',') === lastComma && !/,\d{3}$/.test(digits);
		digits = isDecimalComma ? digits.replace(',', '.') : digits.replace(/,/g, '');
	} else if (digits.indexOf('.') !== lastDot) {
		digits = digits.replace(/\./g, '');
	}
	if (!numberPattern.test(digits)) return null;
	const value = Number(digits);
	return Number.isFinite(value) ? value : null;
}

// Moves the decimal point in the number's shortest text form, so 1.005 shifted by 2 is
// exactly 100.5 and not the 100.49999 that multiplying the binary value gives.
const shiftDecimal = (value: number, places: number) => {
	const [mantissa, exponent = '0'] = String(value).split('e');
	return Number(`${mantissa}e${Number(exponent) + places}`);
};

/** Rounds half away from zero on the decimal digits a person typed; never returns -0. */
export function roundTo(value: number, decimals: number): number {
	// Past 2^53 a double has no fractional digits left, and shifting could overflow.
	if (Math.abs(value) > Number.MAX_SAFE_INTEGER) return value;
	return (
		Math.sign(value) *
			shiftDecimal(Math.round(shiftDecimal(Math.abs(value), decimals)), -decimals) || 0
	);
}

const formatters = new Map<string, Intl.NumberFormat>();

/**
 * A cached formatter. en-US unless told: copy and CSV read the same everywhere; what people
 * read on screen takes the space's locale.
 */
export function numberFormat(
	options: Intl.NumberFormatOptions,
	locale = 'en-US'
): Intl.NumberFormat {
	const key = `${locale}|${JSON.stringify(options)}`;
	let formatter = formatters.get(key);
	if (!formatter) {
		formatter = new Intl.NumberFormat(locale, options);
		formatters.set(key, formatter);
	}
	return formatter;
}

export const formatDecimal = (value: number, precision: number | undefined, locale?: string) =>
	numberFormat(
		{
			minimumFractionDigits: precision ?? 0,
			maximumFractionDigits: precision ?? maxDecimals
		},
		locale
	).format(value);

export interface NumberLimits {
	precision?: number;
	min?: number;
	max?: number;
}

/** Rounds to the field's precision so the stored value is the one shown, then checks limits. */
export function checkNumber(value: number, limits: NumberLimits): KindResult<number> {
	if (!Number.isFinite(value)) return fail('Expected a number');
	const rounded = roundTo(value, limits.precision ?? maxDecimals);
	if (limits.min !== undefined && rounded < limits.min) {
		return fail(`Must be at least ${limits.min}`);
	}
	if (limits.max !== undefined && rounded > limits.max) {
		return fail(`Must be at most ${limits.max}`);
	}
	return ok(rounded);
}
