// Multi-line text such as notes. Kept as written, indentation included; only line endings
// are unified so Windows pastes compare equal to the same text typed in the browser.
import { z } from 'zod';
import { fail, ok, type AttributeKind, type KindResult } from './kind';
import { wholeNumber } from './option-schemas';
import { readStoredText } from './storage';
import { characterCount, isBlank } from './text-input';

const optionsSchema = z.object({
	maxLength: wholeNumber('Maximum length', 1, 1_000_000).default(100_000)
});

export type LongTextOptions = z.output<typeof optionsSchema>;

function readNote(text: string, { maxLength }: LongTextOptions): KindResult<string | null> {
	if (isBlank(text)) return ok(null);
	const note = text.replace(/\r\n?/g, '\n');
	if (characterCount(note) > maxLength) return fail(`Text is longer than ${maxLength} characters`);
	return ok(note);
}

export const longTextKind: AttributeKind<LongTextOptions, string> = {
	name: 'long_text',
	label: 'Long text',
	optionsSchema,
	storage: 'value_text',
	isSearchable: true,
	validate(input, options) {
		if (input === null || input === undefined) return ok(null);
		return typeof input === 'string' ? readNote(input, options) : fail('Expected text');
	},
	parse: readNote,
	format: (value) => value ?? '',
	toStorage: (value) => value,
	fromStorage: readStoredText
};
