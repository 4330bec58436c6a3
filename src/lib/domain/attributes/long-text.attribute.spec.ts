import { describe, expect, it } from 'vitest';
import { longTextKind } from './long-text.attribute';

const options = longTextKind.optionsSchema.parse({});

describe('long text', () => {
	it('defaults to 100000 characters', () => {
		expect(options).toEqual({ maxLength: 100_000 });
	});

	it('keeps lines and indentation, unifying line endings', () => {
		expect(longTextKind.parse('Notes:\r\n  - bring badge\r\n', options)).toEqual({
			ok: true,
			value: 'Notes:\n  - bring badge\n'
		});
	});

	it('treats whitespace as empty and enforces the maximum', () => {
		expect(longTextKind.parse('\n  \n', options)).toEqual({ ok: true, value: null });
		expect(longTextKind.validate('abcdef', { maxLength: 5 })).toEqual({
			ok: false,
			message: 'Text is longer than 5 characters'
		});
	});
});
