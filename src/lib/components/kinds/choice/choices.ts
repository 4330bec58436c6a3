// A select field's choices and the colour each one shows in, read from the field's options.
import type { Choice } from '$lib/domain/attributes';

export const choicesOf = (options: Record<string, unknown>): Choice[] =>
	(options.choices as Choice[] | undefined) ?? [];

export const colorOf = (options: Record<string, unknown>, name: string) =>
	choicesOf(options).find((choice) => choice.name === name)?.color;

/** The classes every choice chip shares; its colour comes from `choiceChipClass`. */
export const chipClass =
	'inline-flex items-center rounded-full px-2 py-px text-xs font-medium ring-1 ring-inset';
