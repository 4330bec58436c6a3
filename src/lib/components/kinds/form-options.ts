// The look of the schema editor's settings inputs, shared by every kind's settings.
export const optionInputClass =
	'h-8 w-full rounded-md border border-zinc-300 bg-white px-2.5 text-sm text-zinc-900 shadow-xs outline-none focus-visible:border-indigo-500 focus-visible:ring-2 focus-visible:ring-indigo-500/30 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100';
export const optionLabelClass = 'text-xs font-medium text-zinc-700 dark:text-zinc-300';
