// The colours a select choice can have, in the order the picker shows them. The chip classes
// for each live with the grid's renderers (one look for a choice everywhere).
export { choiceChipClass } from '$lib/components/kinds/choice/choice-colors';

export const choiceColors = [
	'gray',
	'blue',
	'teal',
	'green',
	'lime',
	'yellow',
	'amber',
	'orange',
	'red',
	'pink',
	'purple',
	'indigo',
	'cyan',
	'brown'
] as const;

/** Solid swatch classes for the colour picker (the chip tints are too pale to tell apart). */
export const swatchClass: Record<string, string> = {
	gray: 'bg-zinc-400',
	blue: 'bg-sky-500',
	teal: 'bg-teal-500',
	green: 'bg-emerald-500',
	lime: 'bg-lime-500',
	yellow: 'bg-yellow-400',
	amber: 'bg-amber-500',
	orange: 'bg-orange-500',
	red: 'bg-red-500',
	pink: 'bg-pink-500',
	purple: 'bg-violet-500',
	indigo: 'bg-indigo-500',
	cyan: 'bg-cyan-500',
	brown: 'bg-amber-800'
};

/** A colour for the next new choice: the first not used yet, else round the palette. */
export function nextColor(used: string[]): string {
	return (
		choiceColors.find((color) => !used.includes(color)) ??
		choiceColors[used.length % choiceColors.length]!
	);
}

/** Choice ids only need to be unique within their field. */
export const newChoiceId = () => Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
