// What a check-in device keeps in IndexedDB so the desk works offline: the last attendee list per
// space and user (as the JSON text the server sent, with when it was saved) and the queue of
// check-ins and undos made offline, each with its nonce, in the order they were made.

const DB_NAME = 'roster-checkin';
const DB_VERSION = 1;
const LISTS = 'lists';
const QUEUE = 'queue';

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

let opening: Promise<IDBDatabase> | undefined;

function open(): Promise<IDBDatabase> {
	opening ??= new Promise<IDBDatabase>((resolve, reject) => {
		const request = indexedDB.open(DB_NAME, DB_VERSION);
		request.onupgradeneeded = () => {
			const db = request.result;
			if (!db.objectStoreNames.contains(LISTS)) db.createObjectStore(LISTS, { keyPath: 'key' });
			if (!db.objectStoreNames.contains(QUEUE)) {
				db.createObjectStore(QUEUE, { keyPath: 'nonce' }).createIndex('key', 'key');
			}
		};
		request.onsuccess = () => resolve(request.result);
		request.onerror = () => reject(request.error);
		request.onblocked = () => reject(new Error('The device storage is busy in another tab'));
	}).catch((error) => {
		opening = undefined;
		throw error;
	});
	return opening;
}

function run<T>(
	store: string,
	mode: IDBTransactionMode,
	work: (objects: IDBObjectStore) => IDBRequest<T> | void
): Promise<T | undefined> {
	return open().then(
		(db) =>
			new Promise<T | undefined>((resolve, reject) => {
				const transaction = db.transaction(store, mode);
				const request = work(transaction.objectStore(store));
				transaction.oncomplete = () => resolve(request ? request.result : undefined);
				transaction.onerror = () => reject(transaction.error);
				transaction.onabort = () => reject(transaction.error);
			})
	);
}

export const deviceKey = (spaceId: string, userId: string) => `${spaceId}:${userId}`;

export function loadList(key: string): Promise<SavedList | undefined> {
	return run<SavedList>(LISTS, 'readonly', (lists) => lists.get(key));
}

export async function saveList(list: SavedList): Promise<void> {
	await run(LISTS, 'readwrite', (lists) => lists.put(list));
}

/** Forgets every saved attendee list (on sign-out). Queued scans stay until they are synced. */
export async function clearLists(): Promise<void> {
	await run(LISTS, 'readwrite', (lists) => lists.clear());
}

export async function loadQueue(key: string): Promise<QueuedScan[]> {
	const queued =
		(await run<QueuedScan[]>(QUEUE, 'readonly', (queue) => queue.index('key').getAll(key))) ?? [];
	return queued.sort((a, b) => a.order - b.order);
}

export async function enqueue(scan: QueuedScan): Promise<void> {
	await run(QUEUE, 'readwrite', (queue) => queue.put(scan));
}

export async function dequeue(nonce: string): Promise<void> {
	await run(QUEUE, 'readwrite', (queue) => queue.delete(nonce));
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
