// One line of text. Pasted line breaks fold into spaces so the value stays a single line.
import { z } from 'zod';
import { fail, ok, type AttributeKind, type KindResult } from './kind';
import { wholeNumber } from './option-schemas';
import { readStoredText } from './storage';
import { characterCount } from './text-input';

const optionsSchema = z.object({
	maxLength: wholeNumber('Maximum length', 1, 100_000).default(10_000)
});

export type TextOptions = z.output<typeof optionsSchema>;

function readLine(text: string, { maxLength }: TextOptions): KindResult<string | null> {
	const line = text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
	if (line === '') return ok(null);
	if (characterCount(line) > maxLength) return fail(`Text is longer than ${maxLength} characters`);
	return ok(line);
}

export const textKind: AttributeKind<TextOptions, string> = {
	name: 'text',
	label: 'Text',
	optionsSchema,
	storage: 'value_text',
	isSearchable: true,
	validate(input, options) {
		if (input === null || input === undefined) return ok(null);
		return typeof input === 'string' ? readLine(input, options) : fail('Expected text');
	},
	parse: readLine,
	format: (value) => value ?? '',
	toStorage: (value) => value,
	fromStorage: readStoredText
};
