import { describe, expect, it } from 'vitest';
import { rankMatches } from './choices';

const labels = (options: { label: string }[]) => options.map((option) => option.label);
const status = ['To do', 'In progress', 'Done', 'Blocked'].map((label) => ({ label }));

describe('rankMatches', () => {
	it('puts a label that starts with the text before one that merely contains it', () => {
		// The select cell's "Do" then Enter picked "To do", the first option containing "do".
		expect(labels(rankMatches(status, 'Do'))).toEqual(['Done', 'To do']);
	});

	it('ranks the whole label, then its start, then a word start, then anywhere', () => {
		const options = ['Sidecar', 'Car park', 'Car', 'Rental car'].map((label) => ({ label }));
		expect(labels(rankMatches(options, 'car'))).toEqual([
			'Car',
			'Car park',
			'Rental car',
			'Sidecar'
		]);
	});

	it('keeps the field order for ties and for an empty filter', () => {
		expect(labels(rankMatches(status, '  '))).toEqual(labels(status));
		expect(labels(rankMatches(status, 'o'))).toEqual(['To do', 'In progress', 'Done', 'Blocked']);
	});

	it('matches a hint (a member email) last, and drops what does not match', () => {
		const members = [
			{ label: 'Ann Lee', hint: 'ann@example.test' },
			{ label: 'Example Person', hint: 'ep@x.test' }
		];
		expect(labels(rankMatches(members, 'example'))).toEqual(['Example Person', 'Ann Lee']);
		expect(rankMatches(members, 'zzz')).toEqual([]);
	});
});
