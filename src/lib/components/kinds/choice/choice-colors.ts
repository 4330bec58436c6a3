// Select choices carry a colour name (gray, blue, ...); these are the chip classes for each,
// AA-contrast text on a tinted background in light and dark mode. Unknown names fall back to
// gray, so a choice made by another client with a new colour still reads.
const chips: Record<string, string> = {
	gray: 'bg-zinc-100 text-zinc-800 ring-zinc-300/70 dark:bg-zinc-800 dark:text-zinc-200 dark:ring-zinc-600/70',
	blue: 'bg-sky-100 text-sky-900 ring-sky-300/70 dark:bg-sky-950 dark:text-sky-200 dark:ring-sky-700/70',
	green:
		'bg-emerald-100 text-emerald-900 ring-emerald-300/70 dark:bg-emerald-950 dark:text-emerald-200 dark:ring-emerald-700/70',
	yellow:
		'bg-yellow-100 text-yellow-900 ring-yellow-300/70 dark:bg-yellow-950 dark:text-yellow-200 dark:ring-yellow-700/70',
	orange:
		'bg-orange-100 text-orange-900 ring-orange-300/70 dark:bg-orange-950 dark:text-orange-200 dark:ring-orange-700/70',
	red: 'bg-red-100 text-red-900 ring-red-300/70 dark:bg-red-950 dark:text-red-200 dark:ring-red-700/70',
	purple:
		'bg-violet-100 text-violet-900 ring-violet-300/70 dark:bg-violet-950 dark:text-violet-200 dark:ring-violet-700/70',
	pink: 'bg-pink-100 text-pink-900 ring-pink-300/70 dark:bg-pink-950 dark:text-pink-200 dark:ring-pink-700/70',
	teal: 'bg-teal-100 text-teal-900 ring-teal-300/70 dark:bg-teal-950 dark:text-teal-200 dark:ring-teal-700/70',
	indigo:
		'bg-indigo-100 text-indigo-900 ring-indigo-300/70 dark:bg-indigo-950 dark:text-indigo-200 dark:ring-indigo-700/70',
	cyan: 'bg-cyan-100 text-cyan-900 ring-cyan-300/70 dark:bg-cyan-950 dark:text-cyan-200 dark:ring-cyan-700/70',
	lime: 'bg-lime-100 text-lime-900 ring-lime-300/70 dark:bg-lime-950 dark:text-lime-200 dark:ring-lime-700/70',
	amber:
		'bg-amber-100 text-amber-900 ring-amber-300/70 dark:bg-amber-950 dark:text-amber-200 dark:ring-amber-700/70',
	brown:
		'bg-amber-200/60 text-amber-950 ring-amber-400/60 dark:bg-amber-900/50 dark:text-amber-100 dark:ring-amber-700/70'
};

export const choiceChipClass = (color: string | undefined) =>
	chips[color?.toLowerCase() ?? 'gray'] ?? chips.gray!;
