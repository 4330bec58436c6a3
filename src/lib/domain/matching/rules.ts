// Match rules of a record type: which fields take part, how each is compared, and how much its
// agreement weighs (Fellegi–Sunter: m, the chance a field agrees for two records of one
// person; u, the chance it agrees for two different people). Stored per type in match_rules.
import { z } from 'zod';
import type { Attribute } from '../schema';
import { comparatorNames, type ComparatorName } from './compare';

export const matchFieldSchema = z.object({
	/** Attribute keys whose values, joined by a space, make the compared value (first + last name). */
	attributes: z.array(z.string().min(1).max(63)).min(1, 'choose at least one field').max(4),
	compare: z.enum(comparatorNames),
	m: z.number().gt(0, 'must be above 0').lt(1, 'must be below 1'),
	u: z.number().gt(0, 'must be above 0').lt(1, 'must be below 1')
});

export const matchRulesSchema = z
	.object({
		fields: z.array(matchFieldSchema).min(1, 'compare at least one field').max(12),
		/** Pairs at or above this match probability go to the review queue. */
		reviewThreshold: z.number().min(0.5).max(0.9999).default(0.9),
		/** Pairs at or above this merge without review; null (the default) never does. */
		autoMergeThreshold: z.number().min(0.5).max(1).nullable().default(null),
		/** Where phone numbers without a country code are read (ISO 3166 alpha-2). */
		phoneRegion: z
			.string()
			.regex(/^[A-Z]{2}$/, 'must be a two-letter country code')
			.default('US')
	})
	.refine(
		(rules) =>
			rules.autoMergeThreshold === null || rules.autoMergeThreshold >= rules.reviewThreshold,
		{ message: 'must not be below the review threshold', path: ['autoMergeThreshold'] }
	);

export type MatchField = z.infer<typeof matchFieldSchema>;
export type MatchRules = z.infer<typeof matchRulesSchema>;

/** What each comparator is worth by default: how rarely two different people agree on it. */
const defaultWeights: Record<ComparatorName, Pick<MatchField, 'm' | 'u'>> = {
	name: { m: 0.95, u: 0.0005 },
	email: { m: 0.9, u: 0.00001 },
	phone: { m: 0.85, u: 0.00001 },
	text: { m: 0.6, u: 0.01 }
};

type RuleAttribute = Pick<Attribute, 'key' | 'name' | 'kind'>;

const isTextKind = (attribute: RuleAttribute) => attribute.kind === 'text';
const named = (attribute: RuleAttribute, pattern: RegExp) =>
	pattern.test(attribute.key) || pattern.test(attribute.name.toLowerCase());

/**
 * Rules for a people-like type, picked by kind and name: the name (one field, or first and last
 * name together), every email and phone field, and the company. Empty when the type has
 * nothing to compare by.
 */
export function defaultMatchRules(attributes: RuleAttribute[]): MatchRules {
	const fields: MatchField[] = [];
	const add = (keys: string[], compare: ComparatorName) =>
		fields.push({ attributes: keys, compare, ...defaultWeights[compare] });
	const texts = attributes.filter(isTextKind);
	const first = texts.find((attribute) => named(attribute, /first.?name|given.?name|vorname/));
	const last = texts.find((attribute) =>
		named(attribute, /last.?name|surname|family.?name|nachname/)
	);
	const name =
		texts.find((attribute) => /^(full.?)?name$/.test(attribute.key)) ??
		texts.find(
			(attribute) => named(attribute, /name|contact/) && attribute !== first && attribute !== last
		);
	if (first && last) add([first.key, last.key], 'name');
	else if (name) add([name.key], 'name');
	for (const attribute of attributes) {
		if (attribute.kind === 'email') add([attribute.key], 'email');
		if (attribute.kind === 'phone') add([attribute.key], 'phone');
	}
	const company = texts.find((attribute) =>
		named(attribute, /company|organi[sz]ation|employer|firm/)
	);
	if (company) add([company.key], 'text');
	return { fields, reviewThreshold: 0.9, autoMergeThreshold: null, phoneRegion: 'US' };
}

/** The rules' fields that name attributes the type no longer has, for a clear refusal. */
export function unknownRuleAttributes(rules: MatchRules, attributes: RuleAttribute[]): string[] {
	const keys = new Set(attributes.map((attribute) => attribute.key));
	return rules.fields.flatMap((field) => field.attributes.filter((key) => !keys.has(key)));
}
