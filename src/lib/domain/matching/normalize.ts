// Values in the one form that matching compares. Exact comparison happens after these, so
// "Ada.Lovelace@Example.org " and "ada.lovelace@example.org" agree, and so do "+49 30 123456"
// and "030 123456" when the rules' region is DE.
//
// Emails: case and spaces only. Dots and "+tags" in the local part are NOT removed for the exact
// comparison: for most providers "a.b@x" and "ab@x" are two mailboxes, and only Gmail folds
// them. `looseEmail` folds them anyway, and the email comparator counts that as a strong but
// partial agreement (a fuzzy signal), never as the same address.
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';
import { canonicalFirstName } from './nicknames';

export function normalizeEmail(value: string): string {
	return value.replace(/\s+/g, '').toLowerCase();
}

/** The address with dots and a "+tag" taken out of its local part: a fuzzy signal only. */
export function looseEmail(value: string): string {
	const email = normalizeEmail(value);
	const at = email.lastIndexOf('@');
	if (at < 1) return email;
	const local = email.slice(0, at).replace(/\+.*$/, '').replaceAll('.', '');
	return `${local}${email.slice(at)}`;
}

/**
 * A phone number in E.164 (+4930123456), read in `region` when it has no country code. A
 * number libphonenumber cannot read keeps its digits (and a leading '+'), so two equal
 * scribbles still agree.
 */
export function normalizePhone(value: string, region: string): string {
	const digits = value.replace(/[^\d+]/g, '');
	const plain = digits.startsWith('+')
		? '+' + digits.slice(1).replaceAll('+', '')
		: digits.replaceAll('+', '');
	// Parsing only the digits, without looking for a number inside text, halves its cost.
	const parsed = parsePhoneNumberFromString(plain, {
		defaultCountry: region as CountryCode,
		extract: false
	});
	return parsed?.isPossible() ? parsed.number : plain;
}

/**
 * The digit strings a stored phone of the same number may be (the phone kind keeps digits as
 * typed): +4930123456, 4930123456, 004930123456, 030123456, 30123456. An exact, indexed lookup
 * of these finds a number in any of the formats people type.
 */
export function phoneVariants(value: string, region: string): string[] {
	const e164 = normalizePhone(value, region);
	const parsed = parsePhoneNumberFromString(e164, { extract: false });
	if (!parsed) return [e164];
	const national = parsed.formatNational().replace(/\D/g, '');
	const international = `${parsed.countryCallingCode}${parsed.nationalNumber}`;
	return [...new Set([e164, international, `00${international}`, national, parsed.nationalNumber])];
}

/** Lower case, accents off (é → e, ß → ss), anything but letters and digits as one space. */
export function normalizeText(value: string): string {
	return value
		.normalize('NFKD')
		.replace(/\p{M}+/gu, '')
		.replaceAll('ß', 'ss')
		.toLowerCase()
		.replace(/[^\p{L}\p{N}]+/gu, ' ')
		.trim();
}

/** Name tokens, normalised, with a first name's nickname read as the name (Bob → robert). */
export function nameTokens(value: string): string[] {
	const tokens = normalizeText(value).split(' ').filter(Boolean);
	return tokens.map((token) => canonicalFirstName(token));
}
