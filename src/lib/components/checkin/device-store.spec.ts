import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import {
	clearLists,
	dequeue,
	deviceKey,
	enqueue,
	loadList,
	loadQueue,
	nextOrder,
	saveList,
	type QueuedScan
} from './device-store';

const scan = (key: string, nonce: string, order: number): QueuedScan => ({
	nonce,
	key,
	kind: 'checkin',
	id: `guest-${nonce}`,
	scannedAt: new Date(order).toISOString(),
	order,
	name: `Guest ${nonce}`
});

describe('device store', () => {
	it('keeps an attendee list per space and user, and forgets them all on sign-out', async () => {
		const mine = deviceKey('space', 'me');
		const theirs = deviceKey('space', 'them');
		await saveList({ key: mine, savedAt: 1, text: '{"rows":[]}' });
		await saveList({ key: mine, savedAt: 2, text: '{"rows":[1]}' });
		await saveList({ key: theirs, savedAt: 3, text: '{}' });
		expect(await loadList(mine)).toEqual({ key: mine, savedAt: 2, text: '{"rows":[1]}' });
		await clearLists();
		expect(await loadList(mine)).toBeUndefined();
		expect(await loadList(theirs)).toBeUndefined();
	});

	it('gives back only the queue of one user, in the order the scans were made', async () => {
		const mine = deviceKey('space', 'queue-me');
		await enqueue(scan(mine, 'b', 20));
		await enqueue(scan(mine, 'a', 10));
		await enqueue(scan(deviceKey('space', 'queue-them'), 'c', 5));
		expect((await loadQueue(mine)).map((queued) => queued.nonce)).toEqual(['a', 'b']);
		await dequeue('a');
		expect((await loadQueue(mine)).map((queued) => queued.nonce)).toEqual(['b']);
	});

	it('orders scans made in the same millisecond', () => {
		const first = nextOrder();
		expect(nextOrder()).toBeGreaterThan(first);
	});
});
