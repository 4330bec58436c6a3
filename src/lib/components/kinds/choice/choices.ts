// A select field's choices and the colour each one shows in, read from the field's options.
import type { Choice } from '$lib/domain/attributes';

export const choicesOf = (options: Record<string, unknown>): Choice[] =>
	(options.choices as Choice[] | undefined) ?? [];

export const colorOf = (options: Record<string, unknown>, name: string) =>
	choicesOf(options).find((choice) => choice.name === name)?.color;

/** The classes every choice chip shares; its colour comes from `choiceChipClass`. */
export const chipClass =
	'inline-flex items-center rounded-full px-2 py-px text-xs font-medium ring-1 ring-inset';

/**
 * The options that match what was typed, best first: the whole label, then labels that start
 * with it, then a word inside the label that starts with it, then the text anywhere (the hint,
 * a member's email, included). Ties keep the field's own order, so typing "Do" offers "Done"
 * before "To do", and an empty filter shows every option as the field orders them.
 */
export function rankMatches<T extends { label: string; hint?: string }>(
	options: readonly T[],
	filter: string
): T[] {
	const wanted = filter.trim().toLowerCase();
	if (wanted === '') return [...options];
	const rankOf = (option: T): number => {
		const label = option.label.toLowerCase();
		if (label === wanted) return 0;
		if (label.startsWith(wanted)) return 1;
		if (label.split(/[\s\-_/.,()]+/).some((word) => word.startsWith(wanted))) return 2;
		return `${label} ${option.hint?.toLowerCase() ?? ''}`.includes(wanted) ? 3 : -1;
	};
	return options
		.map((option, index) => ({ option, index, rank: rankOf(option) }))
		.filter(({ rank }) => rank >= 0)
		.sort((a, b) => a.rank - b.rank || a.index - b.index)
		.map(({ option }) => option);
}
