// A rating of 1 to `max` stars. Zero means "not rated" and is stored as empty, as a star
// widget has no way to show a zero.
import { z } from 'zod';
import { fail, ok, type AttributeKind, type KindResult } from './kind';
import { readNumber } from './numeric';
import { wholeNumber } from './option-schemas';
import { readStoredNumber } from './storage';
import { quoted } from './text-input';

const optionsSchema = z.object({
	max: wholeNumber('Highest rating', 1, 10).default(5)
});

export type RatingOptions = z.output<typeof optionsSchema>;

function checkRating(value: number, { max }: RatingOptions): KindResult<number | null> {
	if (value === 0) return ok(null);
	if (!Number.isInteger(value) || value < 1 || value > max) {
		return fail(`Expected a rating from 1 to ${max}`);
	}
	return ok(value);
}

// Stars as shown in the grid ('★★★☆☆'); hollow stars are the unfilled rest.
const starsPattern = /^[★⭐*☆]+$/u;

export const ratingKind: AttributeKind<RatingOptions, number> = {
	name: 'rating',
	label: 'Rating',
	optionsSchema,
	storage: 'value_num',
	isSearchable: false,
	validate(input, options) {
		if (input === null || input === undefined) return ok(null);
		return typeof input === 'number' ? checkRating(input, options) : fail('Expected a number');
	},
	parse(text, options) {
		const trimmed = text.trim();
		if (trimmed === '') return ok(null);
		const value = starsPattern.test(trimmed)
			? [...trimmed].filter((star) => star !== '☆').length
			: readNumber(trimmed);
		if (value === null) {
			return fail(`Expected a rating from 1 to ${options.max}, got ${quoted(trimmed)}`);
		}
		return checkRating(value, options);
	},
	format: (value) => (value === null ? '' : String(value)),
	toStorage: (value) => value,
	fromStorage: readStoredNumber
};
