// String similarities for fuzzy comparison, all from 0 (nothing alike) to 1 (equal).
import { jaroWinkler } from '@skyra/jaro-winkler';
import { doubleMetaphone } from 'double-metaphone';

export { jaroWinkler };

/** Both double-metaphone codes of a word: "Smith" → ["SM0", "XMT"]. */
export function metaphones(word: string): [string, string] {
	return doubleMetaphone(word);
}

/** Whether two words sound alike: they share a double-metaphone code. */
export function soundsAlike(a: string, b: string): boolean {
	if (!a || !b) return false;
	const [a1, a2] = doubleMetaphone(a);
	const [b1, b2] = doubleMetaphone(b);
	return a1 === b1 || a1 === b2 || a2 === b1 || a2 === b2;
}

/**
 * The trigrams of a text the way pg_trgm makes them (each word padded with two spaces before
 * and one after), so that a similarity computed here agrees with `similarity()` in Postgres.
 */
export function trigrams(text: string): Set<string> {
	const grams = new Set<string>();
	for (const word of text.split(' ')) {
		if (!word) continue;
		const padded = `  ${word} `;
		for (let index = 0; index + 3 <= padded.length; index++)
			grams.add(padded.slice(index, index + 3));
	}
	return grams;
}

/** pg_trgm's similarity: shared trigrams over all trigrams of the two. */
export function trigramSimilarity(a: Set<string>, b: Set<string>): number {
	if (a.size === 0 || b.size === 0) return 0;
	let shared = 0;
	for (const gram of a) if (b.has(gram)) shared++;
	return shared / (a.size + b.size - shared);
}

/** Whether one edit (a letter added, dropped, changed, or two neighbours swapped) turns a into b. */
export function isOneEditApart(a: string, b: string): boolean {
	if (a === b) return false;
	if (Math.abs(a.length - b.length) > 1) return false;
	let start = 0;
	while (start < a.length && a[start] === b[start]) start++;
	let endA = a.length;
	let endB = b.length;
	while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
		endA--;
		endB--;
	}
	const restA = a.slice(start, endA);
	const restB = b.slice(start, endB);
	if (restA.length <= 1 && restB.length <= 1) return true;
	return restA.length === 2 && restB.length === 2 && restA[0] === restB[1] && restA[1] === restB[0];
}
