// @mentions in comments: who a body names, and the @query being typed at the caret. Pure, so
// the server resolves mentions and the browser suggests and highlights them the same way.

export interface Mentionable {
	id: string;
	name: string;
	email: string;
}

export interface MentionMatch {
	/** Index of the "@". */
	start: number;
	/** Index just past the name or email. */
	end: number;
	userId: string;
}

/** A mention starts a word: at the start, or after a space or opening punctuation. */
const opensWord = (before: string | undefined) =>
	before === undefined || /[\s([{"'“,;]/.test(before);
/** A name must end where a word ends, so "@Ann" is not found inside "@Anna". */
const closesWord = (after: string | undefined) =>
	after === undefined || !/[\p{L}\p{N}_@-]/u.test(after);

/**
 * The members a body mentions, in order. "@Ada Lovelace" and "@ada@example.com" both match,
 * ignoring case; where names overlap ("@Ada" and "@Ada Lovelace") the longest wins.
 */
export function findMentions(body: string, members: readonly Mentionable[]): MentionMatch[] {
	const matches: MentionMatch[] = [];
	const folded = body.toLowerCase();
	const candidates = members.flatMap((member) =>
		[member.name, member.email]
			.map((label) => label.trim().toLowerCase())
			.filter((label) => label !== '')
			.map((label) => ({ label, userId: member.id }))
	);
	for (let index = folded.indexOf('@'); index >= 0; index = folded.indexOf('@', index + 1)) {
		if (!opensWord(body[index - 1])) continue;
		let best: { length: number; userId: string } | null = null;
		for (const { label, userId } of candidates) {
			if (!folded.startsWith(label, index + 1)) continue;
			if (!closesWord(body[index + 1 + label.length])) continue;
			if (!best || label.length > best.length) best = { length: label.length, userId };
		}
		if (!best) continue;
		const end = index + 1 + best.length;
		matches.push({ start: index, end, userId: best.userId });
		index = end - 1;
	}
	return matches;
}

/** The distinct user ids a body mentions. */
export function mentionedUserIds(body: string, members: readonly Mentionable[]): string[] {
	return [...new Set(findMentions(body, members).map((match) => match.userId))];
}

/** Longest @query the suggestions follow: two words of a full name, or an email. */
const MAX_QUERY_LENGTH = 60;

/**
 * The @mention being typed just before the caret, if any: where its "@" is and what follows
 * it. A query may hold spaces (a full name) but no line break.
 */
export function mentionQueryAt(
	text: string,
	caret: number
): { start: number; query: string } | null {
	const floor = Math.max(0, caret - MAX_QUERY_LENGTH - 1);
	for (let index = caret - 1; index >= floor; index--) {
		const character = text[index]!;
		if (character === '\n') return null;
		if (character !== '@') continue;
		if (!opensWord(text[index - 1])) continue;
		const query = text.slice(index + 1, caret);
		// "@ " is not a mention; nor is a query that has moved on to a third word.
		if (/^\s/.test(query) || query.split(/\s+/).length > 3) return null;
		return { start: index, query };
	}
	return null;
}

/** Members whose name or email fits a query: word starts first, then anywhere. */
export function suggestMembers<T extends Mentionable>(
	members: readonly T[],
	query: string,
	limit = 6
): T[] {
	const wanted = query.trim().toLowerCase();
	const score = (member: T) => {
		const name = member.name.toLowerCase();
		const email = member.email.toLowerCase();
		if (wanted === '') return 1;
		if (name.startsWith(wanted) || email.startsWith(wanted)) return 3;
		if (name.split(/\s+/).some((word) => word.startsWith(wanted))) return 2;
		return name.includes(wanted) || email.includes(wanted) ? 1 : 0;
	};
	return members
		.map((member) => ({ member, score: score(member) }))
		.filter((entry) => entry.score > 0)
		.sort((a, b) => b.score - a.score || a.member.name.localeCompare(b.member.name))
		.slice(0, limit)
		.map((entry) => entry.member);
}
