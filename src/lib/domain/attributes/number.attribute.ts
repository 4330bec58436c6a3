// A plain number. With a precision, values are rounded to it on write so the stored value is
// exactly the one shown; without one they keep up to ten decimals.
import { z } from 'zod';
import { fail, ok, type AttributeKind } from './kind';
import { checkNumber, formatDecimal, readNumber } from './numeric';
import { wholeNumber } from './option-schemas';
import { readStoredNumber } from './storage';
import { isBlank, quoted } from './text-input';

const optionsSchema = z
	.object({
		precision: wholeNumber('Decimal places', 0, 10).optional(),
		min: z.number({ error: 'Minimum must be a number' }).optional(),
		max: z.number({ error: 'Maximum must be a number' }).optional()
	})
	.refine(
		(options) =>
			options.min === undefined || options.max === undefined || options.min <= options.max,
		{
			error: 'Minimum must not be greater than maximum'
		}
	);

export type NumberOptions = z.output<typeof optionsSchema>;

export const numberKind: AttributeKind<NumberOptions, number> = {
	name: 'number',
	label: 'Number',
	optionsSchema,
	storage: 'value_num',
	isSearchable: false,
	validate(input, options) {
		if (input === null || input === undefined) return ok(null);
		return typeof input === 'number' ? checkNumber(input, options) : fail('Expected a number');
	},
	parse(text, options) {
		if (isBlank(text)) return ok(null);
		const value = readNumber(text);
		if (value === null) return fail(`Expected a number, got ${quoted(text.trim())}`);
		return checkNumber(value, options);
	},
	format: (value, options) => (value === null ? '' : formatDecimal(value, options.precision)),
	display: (value, options, locale) => formatDecimal(value, options.precision, locale),
	toStorage: (value) => value,
	fromStorage: readStoredNumber
};
