import { describe, expect, it } from 'vitest';
import { checkboxKind } from './checkbox.attribute';

const options = checkboxKind.optionsSchema.parse({});

describe('checkbox', () => {
	it.each(['TRUE', 'yes', 'Y', '1', 'x', '✓', '✔️', 'checked', 'On'])(
		'reads %s as checked',
		(text) => {
			expect(checkboxKind.parse(text, options)).toEqual({ ok: true, value: true });
		}
	);

	it.each(['FALSE', 'no', '0', '', '  ', 'unchecked', 'off'])('reads "%s" as unchecked', (text) => {
		expect(checkboxKind.parse(text, options)).toEqual({ ok: true, value: false });
	});

	it('explains other text', () => {
		expect(checkboxKind.parse('maybe', options)).toEqual({
			ok: false,
			message: 'Expected TRUE or FALSE, got "maybe"'
		});
	});

	it('takes only booleans as JSON, empty being unchecked', () => {
		expect(checkboxKind.validate(null, options)).toEqual({ ok: true, value: false });
		expect(checkboxKind.validate('true', options)).toEqual({
			ok: false,
			message: 'Expected true or false'
		});
		expect(checkboxKind.validate(1, options).ok).toBe(false);
	});

	it('formats like a spreadsheet export', () => {
		expect(checkboxKind.format(true, options)).toBe('TRUE');
		expect(checkboxKind.format(false, options)).toBe('FALSE');
		expect(checkboxKind.fromStorage(null)).toBe(false);
	});
});
