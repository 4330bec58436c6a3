import { describe, expect, it } from 'vitest';
import { userKind } from './user.attribute';

const options = userKind.optionsSchema.parse({});
const id = '0f8fad5b-d9cb-469f-a165-70867728950e';

describe('user', () => {
	it('keeps a user id in lower case', () => {
		expect(userKind.parse(` ${id.toUpperCase()} `, options)).toEqual({ ok: true, value: id });
		expect(userKind.validate(id, options)).toEqual({ ok: true, value: id });
	});

	it('refuses anything else', () => {
		expect(userKind.parse('ada@example.org', options)).toEqual({
			ok: false,
			message: 'Expected a user id, got "ada@example.org"'
		});
		expect(userKind.validate(7, options)).toEqual({ ok: false, message: 'Expected a user id' });
	});
});
