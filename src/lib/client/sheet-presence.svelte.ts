// Who else has a sheet open, from the sheet's awareness: the peers every live view shows (the
// grid's avatars and cell outlines, the board's avatars). A peer that closes the page leaves at
// once; one that drops off the network without closing is forgotten when its state goes stale
// (y-protocols' 30 s: clients renew theirs every 15 s).
import type { Awareness } from 'y-protocols/awareness';
import type { RealtimeClient } from '$lib/client/realtime';
import type { PresenceState } from '$lib/domain/realtime/protocol';

export interface CellRef {
	record: string;
	field: string;
}

export interface PresencePeer {
	clientId: number;
	id: string;
	name: string;
	color: string;
	cell: CellRef | null;
	editing: CellRef | null;
}

export interface Me {
	id: string;
	name: string;
	color: string;
}

/** The others on sheet `typeId`: not this client, nor the same person in another tab. */
export function presencePeers(awareness: Awareness, typeId: string, me: Pick<Me, 'id'>) {
	const peers: PresencePeer[] = [];
	for (const [clientId, raw] of awareness.getStates()) {
		if (clientId === awareness.clientID) continue;
		const state = raw as Partial<PresenceState>;
		if (!state.user || state.sheet !== typeId || state.user.id === me.id) continue;
		peers.push({
			clientId,
			id: state.user.id,
			name: state.user.name,
			color: state.user.color,
			cell: state.cell ?? null,
			editing: state.editing ?? null
		});
	}
	return peers;
}

/** A view's presence on a sheet where the user is not on any cell (the board). */
export class SheetPresence {
	peers = $state<PresencePeer[]>([]);
	private awareness: Awareness | null = null;
	private stopState: (() => void) | null = null;

	constructor(
		private readonly options: {
			client: RealtimeClient;
			space: string;
			typeKey: string;
			typeId: string;
			me: Me;
		}
	) {}

	start(): void {
		const { client } = this.options;
		this.stopState = client.onState((state) => {
			if (state === 'online') void this.join();
		});
		if (client.socket.connected) void this.join();
	}

	stop(): void {
		this.stopState?.();
		this.awareness?.off('change', this.update);
	}

	private async join(): Promise<void> {
		if (this.awareness) return;
		const { client, space, typeKey, typeId, me } = this.options;
		try {
			const { awareness } = await client.joinSheet(space, typeKey);
			this.awareness = awareness;
			awareness.on('change', this.update);
			client.setPresence(awareness, { user: me, sheet: typeId, cell: null, editing: null });
			this.update();
		} catch {
			// Presence is a nicety: the view works without it.
		}
	}

	private readonly update = (): void => {
		if (this.awareness)
			this.peers = presencePeers(this.awareness, this.options.typeId, this.options.me);
	};
}
