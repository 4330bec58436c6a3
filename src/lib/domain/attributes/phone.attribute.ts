// A phone number kept as digits with an optional leading '+', so '+49 (30) 123-45' and
// '0049 30 12345' are one number when searching and deduplicating. Display grouping is the
// view's job.
import { fail, ok, type AttributeKind, type KindResult } from './kind';
import { noOptions, type NoOptions } from './option-schemas';
import { readStoredText } from './storage';
import { quoted } from './text-input';

// E.164 caps numbers at 15 digits; five is the shortest extension-free number in use.
const minDigits = 5;
const maxDigits = 15;

function readPhoneNumber(text: string): KindResult<string | null> {
	const trimmed = text.trim();
	if (trimmed === '') return ok(null);
	const written = trimmed.replace(/^tel:/i, '');
	const digits = written.replace(/\D/g, '');
	const isWellFormed =
		/^\+?[\d\s\-()./]+$/.test(written) && digits.length >= minDigits && digits.length <= maxDigits;
	if (!isWellFormed) {
		return fail(
			`Expected a phone number with ${minDigits} to ${maxDigits} digits, got ${quoted(trimmed)}`
		);
	}
	// '00' is the international prefix dialled from most countries; '+' says the same.
	if (written.startsWith('+')) return ok(`+${digits}`);
	return ok(digits.startsWith('00') ? `+${digits.slice(2)}` : digits);
}

export const phoneKind: AttributeKind<NoOptions, string> = {
	name: 'phone',
	label: 'Phone',
	optionsSchema: noOptions,
	storage: 'value_text',
	isSearchable: true,
	validate(input) {
		if (input === null || input === undefined) return ok(null);
		return typeof input === 'string' ? readPhoneNumber(input) : fail('Expected a phone number');
	},
	parse: readPhoneNumber,
	format: (value) => value ?? '',
	toStorage: (value) => value,
	fromStorage: readStoredText
};
