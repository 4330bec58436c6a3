// A web address. Only http and https are kept: the grid renders these as links, and other
// schemes (javascript:, data:) would run or embed content on click.
import { fail, ok, type AttributeKind, type KindResult } from './kind';
import { noOptions, type NoOptions } from './option-schemas';
import { readStoredText } from './storage';
import { quoted } from './text-input';

const maxLength = 2048;

// Kept as typed (plus 'https://' when missing) rather than URL.href, which would add a
// trailing slash and percent-encoding the user never wrote.
function readAddress(text: string): KindResult<string | null> {
	const trimmed = text.trim();
	if (trimmed === '') return ok(null);
	const address = /^[a-z][a-z\d+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
	const refusal = fail(`Expected a web address like https://example.org, got ${quoted(trimmed)}`);
	if (/\s/.test(address) || address.length > maxLength || !URL.canParse(address)) return refusal;
	const { protocol, hostname } = new URL(address);
	const isWebAddress =
		(protocol === 'https:' || protocol === 'http:') &&
		(hostname.includes('.') || hostname === 'localhost');
	return isWebAddress ? ok(address) : refusal;
}

export const urlKind: AttributeKind<NoOptions, string> = {
	name: 'url',
	label: 'URL',
	optionsSchema: noOptions,
	storage: 'value_text',
	isSearchable: true,
	validate(input) {
		if (input === null || input === undefined) return ok(null);
		return typeof input === 'string' ? readAddress(input) : fail('Expected a web address');
	},
	parse: readAddress,
	format: (value) => value ?? '',
	toStorage: (value) => value,
	fromStorage: readStoredText
};
