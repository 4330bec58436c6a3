// One comparator per way of comparing a field: how a value is prepared once per record, how two
// prepared values agree (a level), and the blocking keys a record files under so that a scan
// only compares records that share one. Held together by `satisfies Record<ComparatorName, …>`
// like the attribute kinds.
import { looseEmail, nameTokens, normalizeEmail, normalizePhone, normalizeText } from './normalize';
import { isOneEditApart, jaroWinkler, metaphones, trigramSimilarity, trigrams } from './similarity';

export const comparatorNames = ['name', 'email', 'phone', 'text'] as const;
export type ComparatorName = (typeof comparatorNames)[number];

/**
 * How far two values agree. `exact` after normalisation; `close` and `similar` are the fuzzy
 * levels, worth a share of an exact agreement; `different` counts against a match; a missing
 * value on either side counts for nothing (null).
 */
export type AgreementLevel = 'exact' | 'close' | 'similar' | 'different';

export interface ComparatorSettings {
	/** Region for phone numbers without a country code (ISO 3166 alpha-2). */
	phoneRegion: string;
}

interface Comparator<P> {
	label: string;
	/** Prepares a non-empty value once per record; null when nothing comparable is left. */
	prepare(value: string, settings: ComparatorSettings): P | null;
	compare(a: P, b: P): AgreementLevel;
	/** Blocking keys: two records are compared only if they share one. */
	keys(value: P): string[];
}

export interface PreparedName {
	/** Tokens (nicknames read as names), sorted: swapped first and last names agree. */
	sorted: string;
	tokens: string[];
	/** Each token's double-metaphone codes, computed once per record. */
	sounds: [string, string][];
}

const soundAlike = (a: [string, string], b: [string, string]) =>
	a[0] === b[0] || a[0] === b[1] || a[1] === b[0] || (a[1] !== '' && a[1] === b[1]);

const nameComparator: Comparator<PreparedName> = {
	label: 'Name: case, accents, word order and nicknames ignored; typos and sound-alikes are close',
	prepare(value) {
		const tokens = nameTokens(value);
		if (!tokens.length) return null;
		return { tokens, sorted: [...tokens].sort().join(' '), sounds: tokens.map(metaphones) };
	},
	compare(a, b) {
		if (a.sorted === b.sorted) return 'exact';
		const [short, long] = a.tokens.length <= b.tokens.length ? [a, b] : [b, a];
		// Each word of the shorter name against its best partner in the longer one.
		let total = 0;
		let isPhonetic = true;
		short.tokens.forEach((token, index) => {
			let best = 0;
			let sounds = false;
			long.tokens.forEach((other, otherIndex) => {
				best = Math.max(best, token === other ? 1 : jaroWinkler(token, other));
				sounds ||= soundAlike(short.sounds[index]!, long.sounds[otherIndex]!);
			});
			// An initial ("J. Smith") stands for any word it starts.
			if (token.length === 1 && long.tokens.some((other) => other.startsWith(token))) best = 0.9;
			total += best;
			isPhonetic &&= sounds;
		});
		const score = total / short.tokens.length;
		// Every word of a shorter name of two or more words: a middle name dropped.
		if (short.tokens.length >= 2 && score === 1) return 'close';
		if (score >= 0.94 || (isPhonetic && score >= 0.85)) return 'close';
		if (score >= 0.88) return 'similar';
		return 'different';
	},
	keys(name) {
		const words = name.tokens.filter((token) => token.length > 1);
		const keys: string[] = [];
		if (words.length >= 2) {
			const codes = words.map((_, index) => name.sounds[name.tokens.indexOf(words[index]!)]![0]);
			keys.push(`n:${[...codes].sort().slice(0, 3).join('|')}`);
			// The sound of one word and the first letters of the other: a typo in one word still
			// shares a block.
			const first = words[0]!;
			const last = words.at(-1)!;
			keys.push(
				`nl:${metaphones(last)[0]}:${first.slice(0, 2)}`,
				`nf:${metaphones(first)[0]}:${last.slice(0, 2)}`
			);
		}
		return keys;
	}
};

export interface PreparedEmail {
	email: string;
	loose: string;
}

const emailComparator: Comparator<PreparedEmail> = {
	label: 'Email: case and spaces ignored; dots and +tags in the name part are close, not equal',
	prepare(value) {
		const email = normalizeEmail(value);
		return email ? { email, loose: looseEmail(email) } : null;
	},
	compare(a, b) {
		if (a.email === b.email) return 'exact';
		if (a.loose === b.loose) return 'close';
		// One typo in a letter. Not "looks alike": addresses are made from names, so two
		// namesakes' addresses (ada.king@, ada_king@, ada.king7@) differ only in what is not a
		// letter, and look alike without being one person's.
		const letters = (email: string) => email.replace(/[^\p{L}@]/gu, '');
		return letters(a.email) !== letters(b.email) && isOneEditApart(a.email, b.email)
			? 'similar'
			: 'different';
	},
	keys: (value) => [`e:${value.loose}`]
};

const phoneComparator: Comparator<string> = {
	label: 'Phone: compared in E.164; the same last 8 digits are close',
	prepare(value, settings) {
		const phone = normalizePhone(value, settings.phoneRegion);
		return phone.replace('+', '').length >= 5 ? phone : null;
	},
	compare(a, b) {
		if (a === b) return 'exact';
		// A number typed without its country code in a record from another region.
		if (a.length >= 8 && b.length >= 8 && a.slice(-8) === b.slice(-8)) return 'close';
		return 'different';
	},
	keys: (phone) => [`p:${phone.slice(-8)}`]
};

export interface PreparedText {
	text: string;
	trigrams: Set<string>;
}

const textComparator: Comparator<PreparedText> = {
	label: 'Text: case, accents and spaces ignored; trigram and Jaro-Winkler similarity',
	prepare(value) {
		const text = normalizeText(value);
		return text ? { text, trigrams: trigrams(text) } : null;
	},
	compare(a, b) {
		if (a.text === b.text) return 'exact';
		const similarity = Math.max(
			trigramSimilarity(a.trigrams, b.trigrams),
			jaroWinkler(a.text, b.text) - 0.3
		);
		if (similarity >= 0.6) return 'close';
		if (similarity >= 0.4) return 'similar';
		return 'different';
	},
	keys: () => []
};

// Typed wide on purpose: each entry only ever sees values its own `prepare` made.
export const comparators: Record<ComparatorName, Comparator<PreparedValue>> = {
	name: nameComparator,
	email: emailComparator,
	phone: phoneComparator,
	text: textComparator
};

/** A prepared value of any comparator (each comparator reads only its own). */
export type PreparedValue = PreparedName | PreparedEmail | string | PreparedText;

export function prepareValue(
	name: ComparatorName,
	value: string,
	settings: ComparatorSettings
): PreparedValue | null {
	return comparators[name].prepare(value, settings);
}

export function compareValues(
	name: ComparatorName,
	a: PreparedValue,
	b: PreparedValue
): AgreementLevel {
	return comparators[name].compare(a, b);
}

export function blockingKeys(name: ComparatorName, value: PreparedValue): string[] {
	return comparators[name].keys(value);
}
