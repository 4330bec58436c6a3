// Fellegi–Sunter scoring: each field's agreement level adds log2(m/u) bits of evidence (a share
// of it for a fuzzy level), each disagreement takes log2((1-m)/(1-u)) away, a missing value adds
// nothing. The sum, with the prior odds of two records being one person, is a match probability.
import { compareValues, prepareValue, type AgreementLevel, type PreparedValue } from './compare';
import type { MatchField, MatchRules } from './rules';

/**
 * The odds that two records compared (after blocking) are one person, before any evidence: what
 * turns bits of evidence into a probability. 1 in 1,000 among blocked pairs, as measured on the
 * bench's data; with it, a name and an email that agree reach 0.999, a name alone does not.
 */
export const PRIOR_BITS = Math.log2(1 / 1000);

/** The share of a field's full agreement weight that a fuzzy level earns. */
const levelShare: Record<Exclude<AgreementLevel, 'different'>, number> = {
	exact: 1,
	close: 0.75,
	similar: 0.4
};

export function levelWeight(field: Pick<MatchField, 'm' | 'u'>, level: AgreementLevel): number {
	if (level === 'different') return Math.log2((1 - field.m) / (1 - field.u));
	return Math.log2(field.m / field.u) * levelShare[level];
}

/** A record's values as text, keyed by attribute key (null or absent when empty). */
export type MatchValues = Record<string, string | null | undefined>;

export interface PreparedRecord {
	id: string;
	/** One prepared value per rule field, in the rules' order; null when missing. */
	fields: (PreparedValue | null)[];
}

export function prepareRecord(rules: MatchRules, id: string, values: MatchValues): PreparedRecord {
	return {
		id,
		fields: rules.fields.map((field) => {
			const text = field.attributes
				.map((key) => values[key]?.trim())
				.filter(Boolean)
				.join(' ');
			return text ? prepareValue(field.compare, text, rules) : null;
		})
	};
}

/** Why a pair scored what it did: one entry per field both records have. */
export interface MatchReason {
	/** The rule field's attribute keys, joined by "+" (first_name+last_name). */
	field: string;
	level: AgreementLevel;
	/** Bits of evidence, rounded to tenths. */
	weight: number;
}

export interface PairScore {
	probability: number;
	reasons: MatchReason[];
}

export function scorePair(rules: MatchRules, a: PreparedRecord, b: PreparedRecord): PairScore {
	let bits = PRIOR_BITS;
	const reasons: MatchReason[] = [];
	rules.fields.forEach((field, index) => {
		const left = a.fields[index];
		const right = b.fields[index];
		if (left == null || right == null) return;
		const level = compareValues(field.compare, left, right);
		const weight = levelWeight(field, level);
		bits += weight;
		reasons.push({
			field: field.attributes.join('+'),
			level,
			weight: Math.round(weight * 10) / 10
		});
	});
	return { probability: 1 / (1 + 2 ** -bits), reasons };
}
