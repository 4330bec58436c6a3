// A member of the space, by user id. Whether the id names a member is the write path's
// check: this kind only knows the shape.
import { fail, ok, type AttributeKind, type KindResult } from './kind';
import { noOptions, type NoOptions } from './option-schemas';
import { readStoredText } from './storage';
import { isUuid } from '../ids';
import { quoted } from './text-input';

function readUserId(text: string): KindResult<string | null> {
	const trimmed = text.trim();
	if (trimmed === '') return ok(null);
	return isUuid(trimmed)
		? ok(trimmed.toLowerCase())
		: fail(`Expected a user id, got ${quoted(trimmed)}`);
}

export const userKind: AttributeKind<NoOptions, string> = {
	name: 'user',
	label: 'User',
	optionsSchema: noOptions,
	storage: 'value_text',
	isSearchable: false,
	validate(input) {
		if (input === null || input === undefined) return ok(null);
		return typeof input === 'string' ? readUserId(input) : fail('Expected a user id');
	},
	parse: readUserId,
	format: (value) => value ?? '',
	toStorage: (value) => value,
	fromStorage: readStoredText
};
