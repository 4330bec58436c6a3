// What a check-in device keeps in IndexedDB so the desk works offline: the last attendee list per
// space and user (as the JSON text the server sent, with when it was saved) and the queue of
// check-ins and undos made offline, each with its nonce, in the order they were made. `idb`
// turns IndexedDB's requests into promises; a write resolves once its transaction commits.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';

const DB_NAME = 'roster-checkin';
const DB_VERSION = 1;

export interface SavedList {
	/** `<space id>:<user id>`: a list is only ever shown to the user it was loaded for. */
	key: string;
	savedAt: number;
	text: string;
}

export interface QueuedScan {
	nonce: string;
	/** `<space id>:<user id>`, as for lists: a queue is synced only by the user who made it. */
	key: string;
	kind: 'checkin' | 'undo';
	id: string;
	gate?: string;
	/** When it was made on the device: an offline check-in keeps its own time. */
	scannedAt: string;
	/** Order of making (ms, made unique per device). */
	order: number;
	/** Shown in the queue and in sync reports. */
	name: string;
}

interface DeviceDb extends DBSchema {
	lists: { key: string; value: SavedList };
	queue: { key: string; value: QueuedScan; indexes: { key: string } };
}

let opening: Promise<IDBPDatabase<DeviceDb>> | undefined;

function open(): Promise<IDBPDatabase<DeviceDb>> {
	opening ??= new Promise<IDBPDatabase<DeviceDb>>((resolve, reject) => {
		openDB<DeviceDb>(DB_NAME, DB_VERSION, {
			upgrade(db) {
				if (!db.objectStoreNames.contains('lists'))
					db.createObjectStore('lists', { keyPath: 'key' });
				if (!db.objectStoreNames.contains('queue')) {
					db.createObjectStore('queue', { keyPath: 'nonce' }).createIndex('key', 'key');
				}
			},
			// Another tab holds an older version open: say so instead of waiting for it.
			blocked: () => reject(new Error('The device storage is busy in another tab'))
		}).then(resolve, reject);
	}).catch((error) => {
		opening = undefined;
		throw error;
	});
	return opening;
}

export const deviceKey = (spaceId: string, userId: string) => `${spaceId}:${userId}`;

export async function loadList(key: string): Promise<SavedList | undefined> {
	return (await open()).get('lists', key);
}

export async function saveList(list: SavedList): Promise<void> {
	await (await open()).put('lists', list);
}

/** Forgets every saved attendee list (on sign-out). Queued scans stay until they are synced. */
export async function clearLists(): Promise<void> {
	await (await open()).clear('lists');
}

export async function loadQueue(key: string): Promise<QueuedScan[]> {
	const queued = await (await open()).getAllFromIndex('queue', 'key', key);
	return queued.sort((a, b) => a.order - b.order);
}

export async function enqueue(scan: QueuedScan): Promise<void> {
	await (await open()).put('queue', scan);
}

export async function dequeue(nonce: string): Promise<void> {
	await (await open()).delete('queue', nonce);
}

let lastOrder = 0;
/** Increasing per device even when two scans land in the same millisecond. */
export function nextOrder(): number {
	lastOrder = Math.max(Date.now(), lastOrder + 1);
	return lastOrder;
}

/** A scan's nonce: random, and available without a secure context (unlike randomUUID). */
export function newNonce(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(16));
	return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
