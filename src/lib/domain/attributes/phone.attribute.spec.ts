import { describe, expect, it } from 'vitest';
import { phoneKind } from './phone.attribute';

const options = phoneKind.optionsSchema.parse({});

describe('phone', () => {
	it.each([
		['+49 (30) 123-456', '+4930123456'],
		['0049 30 123456', '+4930123456'],
		['030 123456', '030123456'],
		['tel:+1-202-555-0143', '+12025550143'],
		['202.555.0143', '2025550143']
	])('keeps %s as %s', (text, value) => {
		expect(phoneKind.parse(text, options)).toEqual({ ok: true, value });
	});

	it.each(['1234', '+49 30 123 456 789 012 34', 'call me', '030 12+34', '12345 ext 6'])(
		'refuses %s',
		(text) => {
			expect(phoneKind.parse(text, options)).toEqual({
				ok: false,
				message: `Expected a phone number with 5 to 15 digits, got "${text}"`
			});
		}
	);

	it('is strict about JSON types', () => {
		expect(phoneKind.validate(4930123456, options)).toEqual({
			ok: false,
			message: 'Expected a phone number'
		});
	});
});
