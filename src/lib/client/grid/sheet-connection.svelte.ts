// A sheet page's one live connection: the GridLive it starts on mount and stops on leaving, the
// browser's own online state, and what the page shows of them (the banner's connection state,
// whether edits are still saving).
import { GridLive, type GridLiveOptions } from './live.svelte';

/** What the banner says about the connection; null: live and well. */
export type ConnectionBanner = 'offline' | 'sse' | 'reconnecting' | null;

export class SheetConnection {
	/** Null until mounted (the server render has no connection). */
	live = $state<GridLive | null>(null);
	private isBrowserOffline = $state(false);

	readonly banner = $derived.by((): ConnectionBanner => {
		const { live } = this;
		if (!live) return null;
		if (this.isBrowserOffline || live.mode === 'offline') return 'offline';
		if (live.mode === 'sse') return 'sse';
		if (live.connection === 'offline') return 'reconnecting';
		return null;
	});

	/** Cells whose save is on its way. */
	readonly savingCount = $derived.by(() => {
		let count = 0;
		for (const status of this.live?.status.values() ?? []) if (status.state === 'pending') count++;
		return count;
	});

	/** Connects (call on mount); returns the way to disconnect. */
	start(options: GridLiveOptions): () => void {
		const live = new GridLive(options);
		live.start();
		this.live = live;
		const sync = () => (this.isBrowserOffline = !navigator.onLine);
		sync();
		window.addEventListener('online', sync);
		window.addEventListener('offline', sync);
		return () => {
			window.removeEventListener('online', sync);
			window.removeEventListener('offline', sync);
			live.stop();
		};
	}
}
