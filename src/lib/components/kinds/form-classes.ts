// The look of the record page's inputs, shared by every kind's editor there.
export const inputClass =
	'h-8 w-full rounded-md border border-zinc-300 bg-white px-2.5 text-sm text-zinc-900 shadow-xs outline-none placeholder:text-zinc-400 focus-visible:border-indigo-500 focus-visible:ring-2 focus-visible:ring-indigo-500/30 disabled:opacity-60 aria-invalid:border-red-500 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:[color-scheme:dark]';
export const triggerClass =
	'flex min-h-8 w-full items-center justify-between gap-2 rounded-md border border-zinc-300 bg-white px-2 py-1 text-left text-sm text-zinc-900 shadow-xs outline-none focus-visible:border-indigo-500 focus-visible:ring-2 focus-visible:ring-indigo-500/30 disabled:opacity-60 aria-invalid:border-red-500 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100';
export const contentClass =
	'z-[70] max-h-72 min-w-(--bits-select-anchor-width) overflow-y-auto rounded-md border border-zinc-200 bg-white p-1 text-sm shadow-lg outline-none dark:border-zinc-700 dark:bg-zinc-900';
export const itemClass =
	'flex cursor-default items-center justify-between gap-3 rounded px-2 py-1.5 text-zinc-800 outline-none select-none data-highlighted:bg-indigo-50 dark:text-zinc-200 dark:data-highlighted:bg-indigo-950';
