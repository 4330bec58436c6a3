import { describe, expect, it } from 'vitest';
import {
	chosenValue,
	defaultChoices,
	defaultSurvivor,
	isDiffering,
	type MergeAttribute,
	type MergeCandidate
} from './survivorship';

const attributes: MergeAttribute[] = [
	{ key: 'name', kind: 'text' },
	{ key: 'email', kind: 'email' },
	{ key: 'tags', kind: 'multi_select' },
	{ key: 'company', kind: 'relation' },
	{ key: 'phone', kind: 'phone' },
	{ key: 'number', kind: 'auto_number' }
];

const candidate = (
	id: string,
	values: MergeCandidate['values'],
	extra: Partial<MergeCandidate> = {}
): MergeCandidate => ({
	id,
	createdAt: '2026-01-01T00:00:00.000Z',
	updatedAt: '2026-01-01T00:00:00.000Z',
	values,
	origins: {},
	...extra
});

describe('defaultSurvivor', () => {
	it('keeps the most complete record', () => {
		const thin = candidate('a', { name: 'Ada' });
		const full = candidate('b', { name: 'Ada L', email: 'ada@x.org', phone: '+441' });
		expect(defaultSurvivor([thin, full], attributes).id).toBe('b');
	});

	it('keeps the oldest record on a tie', () => {
		const young = candidate('a', { name: 'Ada' }, { createdAt: '2026-05-01T00:00:00.000Z' });
		const old = candidate('b', { name: 'Ada' }, { createdAt: '2025-05-01T00:00:00.000Z' });
		expect(defaultSurvivor([young, old], attributes).id).toBe('b');
	});
});

describe('defaultChoices', () => {
	it('unites lists and takes the longest text', () => {
		const a = candidate('a', { name: 'Ada', tags: ['vip'], company: ['c1'] });
		const b = candidate('b', { name: 'Ada Lovelace', tags: ['press', 'vip'], company: ['c2'] });
		const choices = defaultChoices(attributes, [a, b], 'a');
		expect(choices.name).toEqual({ from: 'b' });
		expect(choices.tags).toEqual({ from: 'union' });
		expect(chosenValue('tags', choices.tags!, [a, b])).toEqual(['vip', 'press']);
		expect(chosenValue('company', choices.company!, [a, b])).toEqual(['c1', 'c2']);
		expect(chosenValue('company', choices.company!, [a, b], 'b')).toEqual(['c2', 'c1']);
		expect(choices.number).toBeUndefined();
	});

	it('takes the value set most recently, by its audit origin', () => {
		const a = candidate(
			'a',
			{ email: 'old@x.org' },
			{
				updatedAt: '2026-06-01T00:00:00.000Z',
				origins: { email: { at: '2026-01-02T00:00:00.000Z', via: 'web', actorId: 'u1' } }
			}
		);
		const b = candidate(
			'b',
			{ email: 'new@x.org' },
			{ origins: { email: { at: '2026-03-01T00:00:00.000Z', via: 'import', actorId: 'u2' } } }
		);
		expect(defaultChoices(attributes, [a, b], 'a').email).toEqual({ from: 'b' });
	});

	it('never lets an empty value win, and keeps the survivor on a tie', () => {
		const a = candidate('a', { email: null, name: 'Same' });
		const b = candidate('b', { email: 'b@x.org', name: 'Same' });
		const choices = defaultChoices(attributes, [a, b], 'a');
		expect(choices.email).toEqual({ from: 'b' });
		expect(choices.name).toEqual({ from: 'a' });
		expect(choices.phone).toEqual({ from: 'a' });
	});

	it('prefers a trusted source, else falls back to the most recent', () => {
		const fromImport = candidate(
			'a',
			{ phone: '+4411' },
			{ origins: { phone: { at: '2026-01-01T00:00:00.000Z', via: 'import', actorId: 'u1' } } }
		);
		const byHand = candidate(
			'b',
			{ phone: '+4422' },
			{ origins: { phone: { at: '2026-09-01T00:00:00.000Z', via: 'web', actorId: 'u2' } } }
		);
		const rules = { phone: 'source' as const };
		const pool = [fromImport, byHand];
		expect(
			defaultChoices(attributes, pool, 'b', { rules, trustedSource: { via: 'import' } }).phone
		).toEqual({ from: 'a' });
		expect(
			defaultChoices(attributes, pool, 'a', { rules, trustedSource: { actorId: 'u2' } }).phone
		).toEqual({ from: 'b' });
		expect(
			defaultChoices(attributes, pool, 'a', { rules, trustedSource: { via: 'api' } }).phone
		).toEqual({ from: 'b' });
	});

	it('takes the most complete record for that rule', () => {
		const a = candidate('a', { email: 'a@x.org' });
		const b = candidate('b', { email: 'b@x.org', name: 'B', phone: '+1' });
		expect(
			defaultChoices(attributes, [a, b], 'a', { rules: { email: 'most_complete' } }).email
		).toEqual({ from: 'b' });
	});
});

describe('isDiffering', () => {
	it('treats empty strings, empty lists and null alike', () => {
		const a = candidate('a', { tags: [], name: 'x' });
		const b = candidate('b', { tags: null, name: 'y' });
		expect(isDiffering('tags', [a, b])).toBe(false);
		expect(isDiffering('name', [a, b])).toBe(true);
	});
});
