import { describe, expect, it } from 'vitest';
import { emailKind } from './email.attribute';

const options = emailKind.optionsSchema.parse({});

describe('email', () => {
	it('lower-cases and trims the address', () => {
		expect(emailKind.parse('  Ada.Lovelace@Example.ORG ', options)).toEqual({
			ok: true,
			value: 'ada.lovelace@example.org'
		});
	});

	it('takes the address out of what mail clients copy', () => {
		expect(emailKind.parse('Ada Lovelace <ada@example.org>', options)).toEqual({
			ok: true,
			value: 'ada@example.org'
		});
		expect(emailKind.parse('mailto:ada@example.org', options)).toEqual({
			ok: true,
			value: 'ada@example.org'
		});
	});

	it.each(['ada', 'ada@', '@example.org', 'ada@example', 'ada lovelace@example.org'])(
		'refuses %s',
		(text) => {
			expect(emailKind.parse(text, options)).toEqual({
				ok: false,
				message: `Expected an email address, got "${text}"`
			});
		}
	);

	it('is strict about JSON types', () => {
		expect(emailKind.validate(42, options)).toEqual({
			ok: false,
			message: 'Expected an email address'
		});
	});
});
