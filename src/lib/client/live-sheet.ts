// A sheet's live changes, whichever way they can come: the socket when it connects, else (after
// a few seconds, or when it drops for long) the SSE stream, switching back when the socket
// returns. The page shows `mode`, so a user knows when edits go through plain HTTP.
import type { SheetChange, SheetInfo } from '$lib/domain/realtime/protocol';
import type { RealtimeClient } from './realtime';
import { SseFeed, type EventSourceLike } from './sse';

export type LiveMode = 'connecting' | 'socket' | 'sse' | 'offline';

/** A change from either transport: the socket's shape, which the SSE event is a subset of. */
export type LiveChange = Omit<SheetChange, 'sheet'>;

export interface LiveSheetOptions {
	client: RealtimeClient;
	space: string;
	/** The entity type's key. */
	type: string;
	onChange(changes: LiveChange[]): void;
	onMode?(mode: LiveMode): void;
	/** Changes may have been missed (a switch of transport, a reset): reload what is shown. */
	onResync?(): void;
	/** How long the socket may take before SSE takes over. */
	fallbackAfterMs?: number;
	createEventSource?: (url: string) => EventSourceLike;
	baseUrl?: string;
}

export class LiveSheet {
	mode: LiveMode = 'connecting';
	info: SheetInfo | null = null;
	private feed: SseFeed | null = null;
	private timer: ReturnType<typeof setTimeout> | null = null;
	private readonly cleanups: (() => void)[] = [];

	constructor(private readonly options: LiveSheetOptions) {}

	start(): void {
		const { client } = this.options;
		this.cleanups.push(
			client.onChanges((changes) => this.fromSocket(changes)),
			client.onState((state) => {
				if (state === 'online') void this.socketUp();
				else this.socketDown();
			})
		);
		if (client.socket.connected) void this.socketUp();
		else this.socketDown();
	}

	stop(): void {
		for (const cleanup of this.cleanups.splice(0)) cleanup();
		if (this.timer) clearTimeout(this.timer);
		this.feed?.close();
		this.feed = null;
	}

	private setMode(mode: LiveMode): void {
		if (this.mode === mode) return;
		this.mode = mode;
		this.options.onMode?.(mode);
	}

	private async socketUp(): Promise<void> {
		if (this.timer) clearTimeout(this.timer);
		this.timer = null;
		try {
			this.info = (await this.options.client.joinSheet(this.options.space, this.options.type)).info;
		} catch {
			return;
		}
		const wasFallback = this.feed !== null || this.mode === 'offline';
		this.feed?.close();
		this.feed = null;
		this.setMode('socket');
		if (wasFallback) this.options.onResync?.();
	}

	private socketDown(): void {
		if (this.feed || this.timer) return;
		if (this.mode === 'socket') this.setMode('connecting');
		this.timer = setTimeout(() => {
			this.timer = null;
			if (this.options.client.socket.connected) return;
			this.startFeed();
		}, this.options.fallbackAfterMs ?? 4_000);
	}

	private startFeed(): void {
		this.feed = new SseFeed({
			space: this.options.space,
			types: [this.options.type],
			baseUrl: this.options.baseUrl,
			createEventSource: this.options.createEventSource,
			onChange: (change) =>
				this.options.onChange([
					{
						id: change.id,
						action: change.action,
						values: change.values,
						by: change.by,
						at: change.at,
						...(change.mergedInto ? { mergedInto: change.mergedInto } : {}),
						...(change.position !== undefined ? { position: change.position } : {})
					}
				]),
			onReset: () => this.options.onResync?.(),
			onStatus: (status) => {
				if (status === 'open') {
					this.setMode('sse');
					this.options.onResync?.();
				} else if (status === 'error') this.setMode('offline');
			}
		});
		this.feed.start();
	}

	private fromSocket(changes: SheetChange[]): void {
		const mine = changes.filter((change) => change.sheet === this.info?.typeId);
		if (mine.length) this.options.onChange(mine);
	}
}
