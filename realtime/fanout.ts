// Delivers durable record changes to this process's sockets: one `changes` event per sheet
// per event-loop turn, encoded once for the whole room. Check-in members get a copy with only
// the fields their role may read and no Yjs bytes (a doc holds every field).
import type { Server } from 'socket.io';
import {
	docRoom,
	packChanges,
	sheetRoom,
	type ClientToServerEvents,
	type ServerToClientEvents,
	type SheetChange
} from '$lib/domain/realtime/protocol';
import type { RecordChange } from '$lib/server/changes';

export const checkinRoom = (typeId: string) => `${sheetRoom(typeId)}:checkin`;

interface SheetBatch {
	changes: SheetChange[];
	docRooms: Set<string>;
}

export function toSheetChange(change: RecordChange): SheetChange {
	return {
		sheet: change.entityTypeId,
		id: change.entityId,
		action: change.action,
		values: change.values,
		...(change.update ? { update: change.update } : {}),
		by: change.actorId,
		at: change.at
	};
}

export class Fanout {
	private pending = new Map<string, SheetBatch>();
	private scheduled: NodeJS.Immediate | null = null;
	/** Field keys a check-in member may read, per entity type, learned when one joins. */
	readonly checkinKeys = new Map<string, Set<string>>();

	constructor(private readonly io: Server<ClientToServerEvents, ServerToClientEvents>) {}

	deliver(changes: RecordChange[]): void {
		for (const change of changes) {
			let batch = this.pending.get(change.entityTypeId);
			if (!batch)
				this.pending.set(change.entityTypeId, (batch = { changes: [], docRooms: new Set() }));
			batch.changes.push(toSheetChange(change));
			batch.docRooms.add(docRoom(change.entityId));
		}
		this.scheduled ??= setImmediate(() => this.flush());
	}

	flush(): void {
		this.scheduled = null;
		const pending = this.pending;
		this.pending = new Map();
		for (const [typeId, batch] of pending) {
			const docRooms = [...batch.docRooms];
			const packed = packChanges(batch.changes);
			if (!packed.bytes) {
				this.io.local.to([sheetRoom(typeId), ...docRooms]).emit('changes', packed);
			} else {
				// Yjs bytes go only to sockets that hold one of these records; the rest of the sheet
				// gets the values: one frame per socket instead of a text and a binary frame.
				this.io.local.to(docRooms).emit('changes', packed);
				this.io.local
					.to(sheetRoom(typeId))
					.except(docRooms)
					.emit('changes', { changes: packed.changes.map(({ u: _u, ...change }) => change) });
			}
			const keys = this.checkinKeys.get(typeId);
			if (!keys) continue;
			const visible = batch.changes.map(({ update: _update, ...change }) => ({
				...change,
				values: Object.fromEntries(Object.entries(change.values).filter(([key]) => keys.has(key)))
			}));
			this.io.local.to(checkinRoom(typeId)).emit('changes', { changes: visible });
		}
	}

	close(): void {
		if (this.scheduled) clearImmediate(this.scheduled);
		this.scheduled = null;
		this.pending.clear();
	}
}
