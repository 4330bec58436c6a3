// The board's live side: changes to the sheet (through LiveSheet) patched into the cards shown
// as diffs, and who else has the board open. While the user moves a card the changes wait, so
// nothing shifts under the pointer or the picked-up card; a change the board cannot apply by
// itself (see withLiveChange) asks for the whole board again through the gate. The user's own
// moves come back too, with the position the server gave them, and land where they are shown.
import { SvelteSet } from 'svelte/reactivity';
import { LiveSheet, type LiveChange, type LiveMode } from '$lib/client/live-sheet';
import { RealtimeClient } from '$lib/client/realtime';
import { SheetPresence, type Me } from '$lib/client/sheet-presence.svelte';
import {
	withLiveChange,
	type BoardColumn,
	type BoardLens
} from '$lib/components/board/board-state';
import type { RefreshGate } from '$lib/components/board/refresh-gate';

/** How long a card someone else changed stays highlighted. */
const HIGHLIGHT_MS = 1800;

/** Whose board this is, on which sheet. */
export interface LiveBoardSession {
	space: string;
	type: { key: string; id: string };
	me: Me;
}

export interface LiveBoardOptions {
	/** The user's id: their own changes are not highlighted. */
	me(): string;
	/** The cards shown, written back after each change, and what decides which records show. */
	board: { columns: BoardColumn[]; readonly lens: BoardLens };
	/** Whether the user is moving a card. */
	isBusy(): boolean;
	gate: RefreshGate;
}

export class LiveBoard {
	mode = $state<LiveMode>('connecting');
	presence = $state<SheetPresence | null>(null);
	readonly highlighted = new SvelteSet<string>();
	private held: LiveChange[] = [];

	constructor(private readonly options: LiveBoardOptions) {}

	/** Listens for changes and presence; returns the cleanup. */
	start({ space, type, me }: LiveBoardSession): () => void {
		const { gate } = this.options;
		const client = new RealtimeClient({ url: location.origin });
		const live = new LiveSheet({
			client,
			space,
			type: type.key,
			onChange: (changes) => this.receive(changes),
			onMode: (mode) => (this.mode = mode),
			// Changes may have been missed: only the whole board is sure to be right.
			onResync: () => gate.request()
		});
		live.start();
		const presence = new SheetPresence({ client, space, typeKey: type.key, typeId: type.id, me });
		presence.start();
		this.presence = presence;
		return () => {
			presence.stop();
			live.stop();
			client.close();
		};
	}

	/** The user's move ended: applies the changes held back meanwhile. */
	settle(): void {
		if (this.options.isBusy() || this.held.length === 0) return;
		this.apply(this.held.splice(0));
	}

	private receive(changes: LiveChange[]): void {
		for (const change of changes) {
			if (change.by !== this.options.me()) this.highlight(change.id);
		}
		this.held.push(...changes);
		this.settle();
	}

	private apply(changes: LiveChange[]): void {
		const { board, gate } = this.options;
		let columns = board.columns;
		let isReloadNeeded = false;
		for (const change of changes) {
			const outcome = withLiveChange(columns, change, board.lens);
			columns = outcome.columns;
			isReloadNeeded ||= outcome.isReloadNeeded;
		}
		if (columns !== board.columns) board.columns = columns;
		if (isReloadNeeded) gate.request();
	}

	private highlight(id: string): void {
		this.highlighted.add(id);
		setTimeout(() => this.highlighted.delete(id), HIGHLIGHT_MS);
	}
}
