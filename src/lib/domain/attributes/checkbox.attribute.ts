// Checked or not. An empty checkbox is unchecked, so empty reads as false everywhere, and
// the text form is TRUE/FALSE as spreadsheets export it.
import { fail, ok, type AttributeKind } from './kind';
import { noOptions, type NoOptions } from './option-schemas';
import { readStoredBoolean } from './storage';
import { quoted } from './text-input';

const checked = new Set(['true', 'yes', 'y', '1', 'x', '✓', '✔', 'checked', 'on']);
const unchecked = new Set(['', 'false', 'no', 'n', '0', '✗', '✘', 'unchecked', 'off']);

export const checkboxKind: AttributeKind<NoOptions, boolean> = {
	name: 'checkbox',
	label: 'Checkbox',
	optionsSchema: noOptions,
	storage: 'value_bool',
	isSearchable: false,
	validate(input) {
		if (input === null || input === undefined) return ok(false);
		return typeof input === 'boolean' ? ok(input) : fail('Expected true or false');
	},
	parse(text) {
		// Emoji presentation adds U+FE0F to ✔ when copied from some apps.
		const word = text
			.trim()
			.replace(/\uFE0F/g, '')
			.toLowerCase();
		if (checked.has(word)) return ok(true);
		if (unchecked.has(word)) return ok(false);
		return fail(`Expected TRUE or FALSE, got ${quoted(text.trim())}`);
	},
	format: (value) => (value ? 'TRUE' : 'FALSE'),
	toStorage: (value) => value,
	fromStorage: (raw) => readStoredBoolean(raw) ?? false
};
