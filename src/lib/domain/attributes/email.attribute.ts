// An email address, lower-cased whole: mail systems treat addresses case-blind in practice,
// and one spelling per address keeps duplicates findable.
import { z } from 'zod';
import { fail, ok, type AttributeKind, type KindResult } from './kind';
import { noOptions, type NoOptions } from './option-schemas';
import { readStoredText } from './storage';
import { quoted } from './text-input';

const addressSchema = z.email().max(254);

// Accepts what mail clients copy: 'Ada Lovelace <ada@example.org>' and 'mailto:' links.
function readAddress(text: string): KindResult<string | null> {
	const trimmed = text.trim();
	if (trimmed === '') return ok(null);
	const bracketed = /<([^<>]+)>\s*$/.exec(trimmed)?.[1] ?? trimmed;
	const address = bracketed
		.trim()
		.replace(/^mailto:/i, '')
		.toLowerCase();
	return addressSchema.safeParse(address).success
		? ok(address)
		: fail(`Expected an email address, got ${quoted(trimmed)}`);
}

export const emailKind: AttributeKind<NoOptions, string> = {
	name: 'email',
	label: 'Email',
	optionsSchema: noOptions,
	storage: 'value_text',
	isSearchable: true,
	validate(input) {
		if (input === null || input === undefined) return ok(null);
		return typeof input === 'string' ? readAddress(input) : fail('Expected an email address');
	},
	parse: readAddress,
	format: (value) => value ?? '',
	toStorage: (value) => value,
	fromStorage: readStoredText
};
