// An amount in one currency per field. The currency is a property of the field, not of each
// value, so a pasted amount in another currency is refused rather than silently relabelled.
import { z } from 'zod';
import { fail, ok, type AttributeKind } from './kind';
import { checkNumber, numberFormat, readNumber } from './numeric';
import { wholeNumber } from './option-schemas';
import { readStoredNumber } from './storage';
import { isBlank, quoted } from './text-input';

const knownCurrencies = new Set(Intl.supportedValuesOf('currency'));

const optionsSchema = z.object({
	currency: z
		.string({ error: 'Currency must be a three-letter code like EUR' })
		.trim()
		.toUpperCase()
		.refine((code) => knownCurrencies.has(code), {
			error: 'Currency must be a three-letter code like EUR'
		})
		.default('EUR'),
	precision: wholeNumber('Decimal places', 0, 10).default(2)
});

export type CurrencyOptions = z.output<typeof optionsSchema>;

const amountFormat = (
	{ currency, precision }: CurrencyOptions,
	currencyDisplay: Intl.NumberFormatOptions['currencyDisplay'] = 'symbol',
	locale?: string
) =>
	numberFormat(
		{
			style: 'currency',
			currency,
			currencyDisplay,
			minimumFractionDigits: precision,
			maximumFractionDigits: precision
		},
		locale
	);

/** The ways the field's own currency may be written next to an amount: '€', 'CA$', '$', 'CAD'. */
function currencyMarks(options: CurrencyOptions): string[] {
	const symbolOf = (display: Intl.NumberFormatOptions['currencyDisplay']) =>
		amountFormat(options, display)
			.formatToParts(0)
			.find((part) => part.type === 'currency')?.value ?? options.currency;
	const marks = new Set([symbolOf('symbol'), symbolOf('narrowSymbol'), options.currency]);
	return [...marks].sort((a, b) => b.length - a.length);
}

const escapeForPattern = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The largest amount kept to the cent (or the field's precision): past it a double has no
 * digits left for the fraction, and "€1e308" is a typo rather than a price. With two decimals
 * it is about 90 trillion.
 */
export const largestAmount = (precision: number) =>
	Math.floor(Number.MAX_SAFE_INTEGER / 10 ** precision);

const checkAmount = (value: number, options: CurrencyOptions) => {
	const largest = largestAmount(options.precision);
	return checkNumber(value, { ...options, min: -largest, max: largest });
};

export const currencyKind: AttributeKind<CurrencyOptions, number> = {
	name: 'currency',
	label: 'Currency',
	optionsSchema,
	storage: 'value_num',
	isSearchable: false,
	validate(input, options) {
		if (input === null || input === undefined) return ok(null);
		return typeof input === 'number' ? checkAmount(input, options) : fail('Expected a number');
	},
	parse(text, options) {
		if (isBlank(text)) return ok(null);
		const marks = currencyMarks(options).map(escapeForPattern).join('|');
		const value = readNumber(text.replace(new RegExp(marks, 'gi'), ''));
		if (value === null) {
			return fail(`Expected an amount in ${options.currency}, got ${quoted(text.trim())}`);
		}
		return checkAmount(value, options);
	},
	// Intl puts a no-break space after letter symbols ('CHF 5.00'); a plain one survives TSV.
	format: (value, options) =>
		value === null
			? ''
			: amountFormat(options)
					.format(value)
					.replace(/\u00a0/g, ' '),
	display: (value, options, locale) => amountFormat(options, 'symbol', locale).format(value),
	toStorage: (value) => value,
	fromStorage: readStoredNumber
};
