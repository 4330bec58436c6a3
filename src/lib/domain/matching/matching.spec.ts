import { describe, expect, it } from 'vitest';
import {
	candidatePairs,
	clusterPairs,
	compareValues,
	defaultMatchRules,
	looseEmail,
	matchRulesSchema,
	nameTokens,
	normalizeEmail,
	normalizePhone,
	normalizeText,
	phoneVariants,
	prepareRecord,
	prepareValue,
	scorePair,
	type ComparatorName
} from '.';
import { isOneEditApart, trigramSimilarity, trigrams } from './similarity';

const settings = { phoneRegion: 'US' };
const level = (compare: ComparatorName, a: string, b: string) =>
	compareValues(compare, prepareValue(compare, a, settings)!, prepareValue(compare, b, settings)!);

const people = [
	{ key: 'name', name: 'Name', kind: 'text' as const },
	{ key: 'email', name: 'Email', kind: 'email' as const },
	{ key: 'phone', name: 'Phone', kind: 'phone' as const },
	{ key: 'company', name: 'Company', kind: 'text' as const },
	{ key: 'city', name: 'City', kind: 'text' as const }
];
const rules = defaultMatchRules(people);

describe('normalisation', () => {
	it('folds case and spaces of an email, and keeps its dots', () => {
		expect(normalizeEmail(' Ada.Lovelace@Example.ORG ')).toBe('ada.lovelace@example.org');
		expect(looseEmail('Ada.Love.lace+news@Gmail.com')).toBe('adalovelace@gmail.com');
	});

	it('reads phones to E.164 in the default region', () => {
		expect(normalizePhone('(202) 555-0143', 'US')).toBe('+12025550143');
		expect(normalizePhone('+1 202.555.0143', 'US')).toBe('+12025550143');
		expect(normalizePhone('030 123456', 'DE')).toBe('+4930123456');
		expect(normalizePhone('12-34', 'US')).toBe('1234');
	});

	it('lists the forms a stored phone of the same number may have', () => {
		expect(phoneVariants('030 123456', 'DE').sort()).toEqual(
			['+4930123456', '004930123456', '030123456', '30123456', '4930123456'].sort()
		);
		expect(phoneVariants('(202) 555-0143', 'US')).toContain('2025550143');
	});

	it('takes accents, case and punctuation off names, and reads nicknames', () => {
		expect(normalizeText('  José  MARÍA-Ñúñez ')).toBe('jose maria nunez');
		expect(normalizeText('Straße')).toBe('strasse');
		expect(nameTokens('Bob  Smith')).toEqual(['robert', 'smith']);
	});
});

describe('comparators', () => {
	it('agrees on names in any order, case and nickname', () => {
		expect(level('name', 'Robert Smith', 'smith, BOB')).toBe('exact');
		expect(level('name', 'Zoë Müller', 'Zoe Muller')).toBe('exact');
	});

	it('finds typos and sound-alikes close, and strangers different', () => {
		expect(level('name', 'Jonathan Smith', 'Jonathon Smith')).toBe('close');
		expect(level('name', 'Ada Lovelace', 'Ada King Lovelace')).toBe('close');
		expect(level('name', 'Ada Lovelace', 'Grace Hopper')).toBe('different');
	});

	it('counts dots in an email as close, never exact; namesakes are different', () => {
		expect(level('email', 'Ada.King@gmail.com', 'ada.king@GMAIL.com')).toBe('exact');
		expect(level('email', 'ada.king@gmail.com', 'adaking@gmail.com')).toBe('close');
		expect(level('email', 'ada.king@gmail.com', 'ada.kinh@gmail.com')).toBe('similar');
		expect(level('email', 'ada.king@gmail.com', 'ada_king7@gmail.com')).toBe('different');
	});

	it('compares phones across formats', () => {
		expect(level('phone', '(202) 555-0143', '+1 202 555 0143')).toBe('exact');
		expect(level('phone', '202 555 0143', '202 555 0199')).toBe('different');
	});

	it('compares text by trigrams like pg_trgm', () => {
		expect(trigramSimilarity(trigrams('word'), trigrams('word'))).toBe(1);
		// pg_trgm: select similarity('word', 'two words') = 0.36363637
		expect(trigramSimilarity(trigrams('word'), trigrams('two words'))).toBeCloseTo(0.3636, 3);
		expect(level('text', 'Acme Inc.', 'ACME inc')).toBe('exact');
		expect(level('text', 'Acme Corporation', 'Acme Corp')).toBe('close');
		expect(level('text', 'Acme', 'Globex')).toBe('different');
	});

	it('knows one edit from two', () => {
		expect(isOneEditApart('smith', 'smtih')).toBe(true);
		expect(isOneEditApart('smith', 'smith')).toBe(false);
		expect(isOneEditApart('smith', 'smiths')).toBe(true);
		expect(isOneEditApart('smith', 'snitch')).toBe(false);
	});
});

describe('default rules', () => {
	it('picks name, email, phone and company by kind and name', () => {
		expect(rules.fields.map((field) => [field.attributes.join('+'), field.compare])).toEqual([
			['name', 'name'],
			['email', 'email'],
			['phone', 'phone'],
			['company', 'text']
		]);
		expect(rules.autoMergeThreshold).toBeNull();
	});

	it('joins first and last name fields into one name', () => {
		const split = defaultMatchRules([
			{ key: 'first_name', name: 'First name', kind: 'text' },
			{ key: 'last_name', name: 'Last name', kind: 'text' }
		]);
		expect(split.fields).toMatchObject([
			{ attributes: ['first_name', 'last_name'], compare: 'name' }
		]);
	});

	it('refuses an auto-merge threshold below the review threshold', () => {
		const result = matchRulesSchema.safeParse({
			...rules,
			reviewThreshold: 0.95,
			autoMergeThreshold: 0.9
		});
		expect(result.success).toBe(false);
		expect(result.error?.issues[0]?.path).toEqual(['autoMergeThreshold']);
	});
});

describe('scoring and blocking', () => {
	const records = [
		{ name: 'Robert Smith', email: 'bob.smith@gmail.com', phone: '(202) 555-0143' },
		{ name: 'Smith, Bob', email: 'BOB.SMITH@gmail.com', phone: null },
		{
			name: 'Robert Smith',
			email: 'robert.smith@acme.com',
			phone: '202 555 0199',
			company: 'Acme'
		},
		{ name: 'Grace Hopper', email: 'grace@navy.mil', phone: '+1 202 555 0143' }
	].map((values, index) => prepareRecord(rules, `r${index}`, values));

	it('scores a duplicate above the review threshold, namesakes and strangers below', () => {
		expect(scorePair(rules, records[0]!, records[1]!).probability).toBeGreaterThan(0.99);
		expect(scorePair(rules, records[0]!, records[2]!).probability).toBeLessThan(
			rules.reviewThreshold
		);
		expect(scorePair(rules, records[0]!, records[3]!).probability).toBeLessThan(
			rules.reviewThreshold
		);
	});

	it('says why, field by field, and leaves missing fields out', () => {
		expect(scorePair(rules, records[0]!, records[1]!).reasons).toEqual([
			{ field: 'name', level: 'exact', weight: 10.9 },
			{ field: 'email', level: 'exact', weight: 16.5 }
		]);
	});

	it('only compares records that share a blocking key', () => {
		const { pairs } = candidatePairs(rules, records);
		expect(pairs).toContainEqual([0, 1]);
		expect(pairs).toContainEqual([0, 3]);
		expect(pairs).not.toContainEqual([1, 3]);
	});

	it('leaves out blocks larger than the cap', () => {
		const crowd = Array.from({ length: 5 }, (_, index) =>
			prepareRecord(rules, `c${index}`, { email: 'info@acme.com' })
		);
		expect(candidatePairs(rules, crowd, 4)).toEqual({ pairs: [], oversizedBlocks: 1 });
		expect(candidatePairs(rules, crowd, 5).pairs).toHaveLength(10);
	});

	it('clusters pairs that share a record, best first', () => {
		const clusters = clusterPairs([
			{ recordA: 'a', recordB: 'b', score: 0.91 },
			{ recordA: 'x', recordB: 'y', score: 0.99 },
			{ recordA: 'b', recordB: 'c', score: 0.95 }
		]);
		expect(clusters.map((cluster) => [cluster.ids.sort(), cluster.score])).toEqual([
			[['x', 'y'], 0.99],
			[['a', 'b', 'c'], 0.95]
		]);
	});
});
