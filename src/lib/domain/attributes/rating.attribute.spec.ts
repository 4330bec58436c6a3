import { describe, expect, it } from 'vitest';
import { ratingKind } from './rating.attribute';

const options = ratingKind.optionsSchema.parse({});

describe('rating', () => {
	it('defaults to five stars and allows at most ten', () => {
		expect(options).toEqual({ max: 5 });
		expect(ratingKind.optionsSchema.safeParse({ max: 11 }).success).toBe(false);
	});

	it('takes whole numbers from 1 to the maximum', () => {
		expect(ratingKind.validate(3, options)).toEqual({ ok: true, value: 3 });
		expect(ratingKind.validate(6, options)).toEqual({
			ok: false,
			message: 'Expected a rating from 1 to 5'
		});
		expect(ratingKind.validate(2.5, options).ok).toBe(false);
	});

	it('reads zero as not rated', () => {
		expect(ratingKind.validate(0, options)).toEqual({ ok: true, value: null });
		expect(ratingKind.parse('0', options)).toEqual({ ok: true, value: null });
	});

	it('reads stars as shown in the grid', () => {
		expect(ratingKind.parse('★★★☆☆', options)).toEqual({ ok: true, value: 3 });
	});

	it('explains text that is no rating', () => {
		expect(ratingKind.parse('good', options)).toEqual({
			ok: false,
			message: 'Expected a rating from 1 to 5, got "good"'
		});
	});
});
