// A percentage kept as the number the user sees: 12.5 means 12.5 %, not 0.125, so typing,
// pasting and filtering all use the same figure.
import { z } from 'zod';
import { fail, ok, type AttributeKind } from './kind';
import { checkNumber, formatDecimal, numberFormat, readNumber } from './numeric';
import { wholeNumber } from './option-schemas';
import { readStoredNumber } from './storage';
import { isBlank, quoted } from './text-input';

const optionsSchema = z.object({
	precision: wholeNumber('Decimal places', 0, 10).optional()
});

export type PercentOptions = z.output<typeof optionsSchema>;

export const percentKind: AttributeKind<PercentOptions, number> = {
	name: 'percent',
	label: 'Percent',
	optionsSchema,
	storage: 'value_num',
	isSearchable: false,
	validate(input, options) {
		if (input === null || input === undefined) return ok(null);
		return typeof input === 'number' ? checkNumber(input, options) : fail('Expected a number');
	},
	parse(text, options) {
		if (isBlank(text)) return ok(null);
		const value = readNumber(text.trim().replace(/^%\s*|\s*%$/, ''));
		if (value === null) return fail(`Expected a percentage, got ${quoted(text.trim())}`);
		return checkNumber(value, options);
	},
	format: (value, options) => (value === null ? '' : `${formatDecimal(value, options.precision)}%`),
	display: (value, options, locale) =>
		numberFormat(
			{
				style: 'percent',
				minimumFractionDigits: options.precision ?? 0,
				maximumFractionDigits: options.precision ?? 10
			},
			locale
		).format(value / 100),
	toStorage: (value) => value,
	fromStorage: readStoredNumber
};
