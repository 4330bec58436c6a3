import { describe, expect, it } from 'vitest';
import { textKind } from './text.attribute';

const options = textKind.optionsSchema.parse({});

describe('text', () => {
	it('defaults to 10000 characters', () => {
		expect(options).toEqual({ maxLength: 10_000 });
	});

	it('trims and folds pasted line breaks into one line', () => {
		expect(textKind.parse('  Ada  ', options)).toEqual({ ok: true, value: 'Ada' });
		expect(textKind.parse('Main Street 1\r\n  Berlin', options)).toEqual({
			ok: true,
			value: 'Main Street 1 Berlin'
		});
	});

	it('treats whitespace as empty', () => {
		expect(textKind.parse('   ', options)).toEqual({ ok: true, value: null });
		expect(textKind.validate(' ', options)).toEqual({ ok: true, value: null });
		expect(textKind.validate(undefined, options)).toEqual({ ok: true, value: null });
	});

	it('is strict about JSON types', () => {
		expect(textKind.validate(12, options)).toEqual({ ok: false, message: 'Expected text' });
	});

	it('counts characters as people do and enforces the maximum', () => {
		const short = { maxLength: 3 };
		expect(textKind.validate('😀😀😀', short)).toEqual({ ok: true, value: '😀😀😀' });
		expect(textKind.validate('abcd', short)).toEqual({
			ok: false,
			message: 'Text is longer than 3 characters'
		});
	});
});
