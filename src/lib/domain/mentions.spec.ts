import { describe, expect, it } from 'vitest';
import { findMentions, mentionQueryAt, mentionedUserIds, suggestMembers } from './mentions';

const members = [
	{ id: 'ada', name: 'Ada', email: 'ada@example.com' },
	{ id: 'ada-l', name: 'Ada Lovelace', email: 'lovelace@example.com' },
	{ id: 'grace', name: 'Grace Hopper', email: 'grace@navy.test' },
	{ id: 'anna', name: 'Anna', email: 'anna@example.com' }
];

describe('findMentions', () => {
	it('finds names with spaces, preferring the longest, and emails, ignoring case', () => {
		const body = 'Thanks @ada lovelace and @Ada, cc @GRACE@navy.test.';
		expect(mentionedUserIds(body, members)).toEqual(['ada-l', 'ada', 'grace']);
		const [first] = findMentions(body, members);
		expect(body.slice(first!.start, first!.end)).toBe('@ada lovelace');
	});

	it('needs a word start before the @ and a word end after the name', () => {
		expect(mentionedUserIds('mail ada@example.com', members)).toEqual([]);
		expect(mentionedUserIds('@Annabel was here', members)).toEqual([]);
		expect(mentionedUserIds('(@Anna)', members)).toEqual(['anna']);
		expect(mentionedUserIds("@Grace Hopper's talk", members)).toEqual(['grace']);
	});

	it('names someone once however often they are mentioned, and ignores strangers', () => {
		expect(mentionedUserIds('@Anna @anna @Bob', members)).toEqual(['anna']);
	});
});

describe('mentionQueryAt', () => {
	it('reads the query typed after an @ up to the caret', () => {
		expect(mentionQueryAt('Hi @Gra', 7)).toEqual({ start: 3, query: 'Gra' });
		expect(mentionQueryAt('Hi @Grace Ho', 12)).toEqual({ start: 3, query: 'Grace Ho' });
		expect(mentionQueryAt('@', 1)).toEqual({ start: 0, query: '' });
	});

	it('is not a mention inside a word, after a line break, or after a space', () => {
		expect(mentionQueryAt('mail ada@exa', 12)).toBeNull();
		expect(mentionQueryAt('@Gra\nce', 7)).toBeNull();
		expect(mentionQueryAt('Hi @ there', 10)).toBeNull();
		expect(mentionQueryAt('no at sign', 5)).toBeNull();
	});
});

describe('suggestMembers', () => {
	it('ranks name and email starts above matches inside a word', () => {
		expect(suggestMembers(members, 'lo').map((member) => member.id)).toEqual(['ada-l']);
		expect(suggestMembers(members, 'ho').map((member) => member.id)).toEqual(['grace']);
		expect(suggestMembers(members, 'a').map((member) => member.id)).toEqual([
			'ada',
			'ada-l',
			'anna',
			'grace'
		]);
		expect(suggestMembers(members, '', 2)).toHaveLength(2);
	});
});
