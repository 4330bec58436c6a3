// Readers shared by the kinds' `parse` paths, and the quoting their messages use.
export const isBlank = (text: string) => text.trim() === '';

/** Length as people count it: an emoji is one character, not two UTF-16 units. */
export const characterCount = (text: string) => [...text].length;

const quoteLimit = 40;

/** Quotes what the user typed, cut short so a pasted paragraph does not flood the message. */
export function quoted(text: string): string {
	const characters = [...text];
	const shown =
		characters.length > quoteLimit ? `${characters.slice(0, quoteLimit).join('')}…` : text;
	return `"${shown}"`;
}

/** Splits a pasted list, trimming items and dropping empty ones. */
export const splitList = (text: string, separator: RegExp) =>
	text
		.split(separator)
		.map((item) => item.trim())
		.filter((item) => item !== '');

export const isTextList = (input: unknown): input is string[] =>
	Array.isArray(input) && input.every((item) => typeof item === 'string');

/** Keeps the first of equal items, in their order. */
export const withoutDuplicates = <T>(items: readonly T[]): T[] => [...new Set(items)];
