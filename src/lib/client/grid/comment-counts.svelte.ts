// How many comments the grid's loaded rows have, for the badge in each row header: counted in
// the database for the rows that come into view (batched into one request per turn), then kept
// current by the frame's comment signals for this sheet.
import { SvelteMap } from 'svelte/reactivity';
import type { PageSignal } from '$lib/client/signals.svelte';

const BATCH = 500;

export class CommentCounts {
	/** Known counts by record id (rows without comments hold 0). */
	readonly counts = new SvelteMap<string, number>();
	// Bookkeeping, never rendered.
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	private readonly asked = new Set<string>();
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	private readonly queue = new Set<string>();
	private isScheduled = false;

	constructor(
		private readonly space: string,
		private readonly typeId: string
	) {}

	/** A row came into view: count its comments unless that was asked already. */
	want(id: string): void {
		if (this.asked.has(id)) return;
		this.asked.add(id);
		this.queue.add(id);
		if (this.isScheduled) return;
		this.isScheduled = true;
		queueMicrotask(() => void this.flush());
	}

	/** Takes a signal of the frame: a new count for a row of this sheet, or count all again. */
	apply(signal: PageSignal): void {
		if (signal.kind === 'comments' && signal.typeId === this.typeId) {
			this.counts.set(signal.recordId, signal.count);
		} else if (signal.kind === 'resync') {
			for (const id of this.asked) this.queue.add(id);
			void this.flush();
		}
	}

	private async flush(): Promise<void> {
		this.isScheduled = false;
		const ids = [...this.queue];
		this.queue.clear();
		for (let at = 0; at < ids.length; at += BATCH) {
			const batch = ids.slice(at, at + BATCH);
			try {
				const response = await fetch(
					`/api/spaces/${encodeURIComponent(this.space)}/comment-counts`,
					{
						method: 'POST',
						headers: { 'content-type': 'application/json' },
						body: JSON.stringify({ ids: batch })
					}
				);
				if (!response.ok) throw new Error(String(response.status));
				const counts = (await response.json()) as Record<string, number>;
				for (const id of batch) this.counts.set(id, counts[id] ?? 0);
			} catch {
				// A badge is a nicety: ask again when the row next comes into view.
				for (const id of batch) this.asked.delete(id);
			}
		}
	}
}
