// Delivers durable record changes to this process's sockets: one `changes` event per sheet
// per flush, encoded once for the whole room. Check-in members get a copy with only the fields
// their role may read and no Yjs bytes (a doc holds every field).
//
// A flush costs one socket write per socket in the sheet, whatever the batch holds: about 10 to
// 20 µs each here, most of it the `writev` syscall (a CPU profile of 1,000 clients at 200
// edits/s spent half the app's busy time in it). So each sheet's flushes are paced by what
// they are measured to cost: an idle or small sheet gets each change on the next event-loop
// turn, and a sheet of thousands under a stream of edits is flushed again only once the
// fan-out has used no more than its share of the event loop, in fewer, fuller batches instead
// of falling behind (see FlushPacer).
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
		...(change.mergedInto ? { mergedInto: change.mergedInto } : {}),
		...(change.position !== undefined ? { position: change.position } : {})
	};
}

/**
 * When a sheet may be flushed again, from what its flushes cost. A flush that kept the event
 * loop busy for `c` ms (its chunks together) is followed by a pause of `c * (1 / share - 1)` ms
 * once it has gone out, so one sheet's fan-out takes at most `share` of the loop and the rest
 * (acks, commits, other sheets) keeps its turn; at a share of 1 a busy sheet is flushed
 * continuously, as an in-memory server does. The cost is a moving average, so one slow flush (a
 * GC pause) does not stall the next ones. Time is passed in, so the rule is tested without a
 * clock.
 */
export class FlushPacer {
	private cost = 0;
	private finishedAt = -Infinity;

	constructor(
		/** Of the event loop, what one sheet's flushes may take (0 to 1]. */
		private readonly share: number,
		private readonly maxPauseMs = 1_000
	) {}

	/** A flush that went out by `finishedAt`, having kept the loop busy for `costMs`. */
	flushed(finishedAt: number, costMs: number): void {
		this.finishedAt = finishedAt;
		this.cost = this.cost === 0 ? costMs : this.cost * 0.7 + costMs * 0.3;
	}

	/** The earliest time the next flush may begin. */
	nextAt(): number {
		return this.finishedAt + Math.min(this.maxPauseMs, this.cost * (1 / this.share - 1));
	}
}

/** Of the event loop, what one sheet's fan-out may take before its flushes are spaced out. */
const FANOUT_SHARE = 0.5;
/**
 * Sockets written to in one go. Between two chunks the event loop polls, so a commit's answer
 * or an incoming edit waits for one chunk (about a millisecond), not for a whole sheet of
 * thousands (10 to 20 ms per 1,000 sockets).
 */
const CHUNK = 100;

type Payload = Parameters<ServerToClientEvents['changes']>[0];

/** One flush's writes: who gets which payload, and the rooms that entitle them to it. */
interface Delivery {
	ids: string[];
	payload: Payload;
	rooms: string[];
}

export class Fanout {
	private pending = new Map<string, SheetBatch>();
	/** Each sheet's scheduled flush, and how to cancel it (a timeout or an immediate). */
	private timers = new Map<string, () => void>();
	/** Sheets whose flush is still going out, chunk by chunk. */
	private flushing = new Set<string>();
	private pacers = new Map<string, FlushPacer>();
	private closed = false;
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
			if (!this.timers.has(typeId) && !this.flushing.has(typeId)) this.schedule(typeId);
		}
	}

	private schedule(typeId: string): void {
		const wait = (this.pacers.get(typeId)?.nextAt() ?? 0) - performance.now();
		const flush = () => this.flushSheet(typeId);
		if (wait > 0) {
			const timeout = setTimeout(flush, wait);
			this.timers.set(typeId, () => clearTimeout(timeout));
		} else {
			const immediate = setImmediate(flush);
			this.timers.set(typeId, () => clearImmediate(immediate));
		}
	}

	/**
	 * Sends what is pending for a sheet, a chunk of sockets per event-loop turn. Changes that
	 * arrive meanwhile wait for the next flush, so every socket gets a sheet's batches in order.
	 */
	private flushSheet(typeId: string): void {
		this.timers.delete(typeId);
		const batch = this.pending.get(typeId);
		this.pending.delete(typeId);
		if (!batch) return;
		const began = performance.now();
		const chunks = this.deliveries(typeId, batch).flatMap(({ ids, payload, rooms }) =>
			Array.from({ length: Math.ceil(ids.length / CHUNK) }, (_, index) => ({
				ids: ids.slice(index * CHUNK, (index + 1) * CHUNK),
				payload,
				rooms
			}))
		);
		/** The loop time this flush took: its chunks, not the turns between them. */
		let cost = performance.now() - began;
		let next = 0;
		this.flushing.add(typeId);
		const step = () => {
			if (this.closed) return;
			const started = performance.now();
			if (next < chunks.length) {
				const { ids, payload, rooms } = chunks[next++]!;
				// A socket that left its rooms since the flush began (access lost) gets nothing.
				const all = this.io.of('/').adapter.rooms;
				const still = ids.filter((id) => rooms.some((room) => all.get(room)?.has(id)));
				if (still.length) this.io.local.to(still).emit('changes', payload);
			}
			const now = performance.now();
			cost += now - started;
			if (next < chunks.length) {
				setImmediate(step);
				return;
			}
			this.flushing.delete(typeId);
			let pacer = this.pacers.get(typeId);
			if (!pacer) this.pacers.set(typeId, (pacer = new FlushPacer(FANOUT_SHARE)));
			pacer.flushed(now, cost);
			if (this.pending.has(typeId)) this.schedule(typeId);
		};
		step();
	}

	/** The sockets a batch goes to, each with its payload, read from the rooms as they are now. */
	private deliveries(typeId: string, batch: SheetBatch): Delivery[] {
		const rooms = this.io.of('/').adapter.rooms;
		const packed = packChanges(batch.changes);
		// Yjs bytes go only to sockets that hold one of these records (they may not have joined
		// the sheet: a record page); the rest of the sheet gets the values alone.
		const holders = new Set<string>();
		for (const room of batch.docRooms) for (const id of rooms.get(room) ?? []) holders.add(id);
		const others: string[] = [];
		for (const id of rooms.get(sheetRoom(typeId)) ?? []) if (!holders.has(id)) others.push(id);
		const docRooms = [...batch.docRooms];
		const deliveries: Delivery[] = [{ ids: [...holders], payload: packed, rooms: docRooms }];
		deliveries.push({
			ids: others,
			rooms: [sheetRoom(typeId)],
			payload: packed.bytes
				? { changes: packed.changes.map(({ u: _u, lost: _lost, ...change }) => change) }
				: packed
		});
		const keys = this.checkinKeys.get(typeId);
		if (keys) {
			const visible: Omit<SheetChange, 'update'>[] = [];
			for (const { update: _update, lost: _lost, ...change } of batch.changes) {
				const values = visibleValues(change.action, change.values, keys);
				if (values) visible.push({ ...change, values });
			}
			const checkin = [...(rooms.get(checkinRoom(typeId)) ?? [])];
			if (visible.length) {
				deliveries.push({
					ids: checkin,
					payload: { changes: visible },
					rooms: [checkinRoom(typeId)]
				});
			}
		}
		return deliveries;
	}

	close(): void {
		this.closed = true;
		for (const cancel of this.timers.values()) cancel();
		this.timers.clear();
		this.pending.clear();
		this.pacers.clear();
		this.flushing.clear();
	}
}
