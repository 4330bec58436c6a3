// Delivers durable record changes to this process's sockets: one `changes` event per sheet
// per flush, encoded once for the whole room. Check-in members get a copy with only the fields
// their role may read and no Yjs bytes (a doc holds every field).
//
// A flush costs one write per socket in the sheet, whatever the batch holds, so a busy sheet
// is flushed at most every `flushInterval(sockets)` ms (50 ms for 1,000 sockets, 500 ms for
// 10,000): an idle sheet still gets each change on the next event-loop turn, while a sheet of
// thousands under a stream of edits gets them in fewer, fuller batches instead of falling
// behind (bench:realtime, the 10,000-client run).
import type { Server } from 'socket.io';
import type { RecordChange } from '$lib/domain/record-change';
import {
	docRoom,
	packChanges,
	sheetRoom,
	type ClientToServerEvents,
	type ServerToClientEvents,
	type SheetChange
} from '$lib/domain/realtime/protocol';
import { visibleValues } from '$lib/domain/realtime/visibility';

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
		...(change.update && change.lost ? { lost: change.lost } : {}),
		by: change.actorId,
		at: change.at,
		...(change.mergedInto ? { mergedInto: change.mergedInto } : {})
	};
}

/**
 * Socket writes per second one sheet's flushes may cost before they are spaced out. A write is
 * a syscall of ~10 µs: in a CPU profile of 10,000 clients at 40,000 writes/s, `writev` alone
 * took 40% of the app's core.
 */
const SENDS_PER_SECOND = 20_000;
const MAX_INTERVAL_MS = 1_000;

/** The least time between two flushes of a sheet with this many sockets: 0 up to 20. */
export const flushInterval = (sockets: number) =>
	Math.min(MAX_INTERVAL_MS, (sockets * 1000) / SENDS_PER_SECOND);

export class Fanout {
	private pending = new Map<string, SheetBatch>();
	/** Each sheet's scheduled flush, and how to cancel it (a timeout or an immediate). */
	private timers = new Map<string, () => void>();
	private lastFlush = new Map<string, number>();
	/** Field keys a check-in member may read, per entity type, learned when one joins. */
	readonly checkinKeys = new Map<string, Set<string>>();

	constructor(private readonly io: Server<ClientToServerEvents, ServerToClientEvents>) {}

	deliver(changes: RecordChange[]): void {
		for (const change of changes) {
			const typeId = change.entityTypeId;
			let batch = this.pending.get(typeId);
			if (!batch) this.pending.set(typeId, (batch = { changes: [], docRooms: new Set() }));
			batch.changes.push(toSheetChange(change));
			batch.docRooms.add(docRoom(change.entityId));
			if (!this.timers.has(typeId)) this.schedule(typeId);
		}
	}

	private schedule(typeId: string): void {
		const sockets = this.io.of('/').adapter.rooms.get(sheetRoom(typeId))?.size ?? 0;
		const due = (this.lastFlush.get(typeId) ?? 0) + flushInterval(sockets);
		const wait = due - performance.now();
		const flush = () => this.flushSheet(typeId);
		if (wait > 0) {
			const timeout = setTimeout(flush, wait);
			this.timers.set(typeId, () => clearTimeout(timeout));
		} else {
			const immediate = setImmediate(flush);
			this.timers.set(typeId, () => clearImmediate(immediate));
		}
	}

	private flushSheet(typeId: string): void {
		this.timers.delete(typeId);
		const batch = this.pending.get(typeId);
		this.pending.delete(typeId);
		if (!batch) return;
		this.lastFlush.set(typeId, performance.now());
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
				.emit('changes', {
					changes: packed.changes.map(({ u: _u, lost: _lost, ...change }) => change)
				});
		}
		const keys = this.checkinKeys.get(typeId);
		if (!keys) return;
		const visible: Omit<SheetChange, 'update'>[] = [];
		for (const { update: _update, lost: _lost, ...change } of batch.changes) {
			const values = visibleValues(change.action, change.values, keys);
			if (values) visible.push({ ...change, values });
		}
		if (visible.length) this.io.local.to(checkinRoom(typeId)).emit('changes', { changes: visible });
	}

	close(): void {
		for (const cancel of this.timers.values()) cancel();
		this.timers.clear();
		this.pending.clear();
		this.lastFlush.clear();
	}
}
