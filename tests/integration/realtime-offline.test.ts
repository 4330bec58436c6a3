// Offline editing: a client keeps its edits in IndexedDB (y-indexeddb, here on fake-indexeddb),
// survives a reload while offline, and merges on reconnect without losing anyone's edits.
import 'fake-indexeddb/auto';
import { IndexeddbPersistence } from 'y-indexeddb';
import type * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealtimeClient } from '$lib/client/realtime';
import { fieldsOf, readField } from '$lib/domain/realtime/ydoc';
import type { AppContext } from '$lib/server/context';
import { getRecord } from '$lib/server/services/records';
import { bootTestApp, stopTestApp } from '../support/app';
import {
	connectClient,
	createSheetFixture,
	SHEET,
	startRealtimeServer,
	until,
	type RealtimeServer,
	type SheetFixture
} from '../support/realtime';

let context: AppContext;
let fixture: SheetFixture;
let server: RealtimeServer;
const clients: RealtimeClient[] = [];

const persistence = (name: string, doc: Y.Doc) => new IndexeddbPersistence(name, doc);

beforeAll(async () => {
	context = await bootTestApp();
	fixture = await createSheetFixture(context, 50);
	server = await startRealtimeServer(context);
}, 60_000);

afterAll(async () => {
	for (const client of clients) client.close();
	await server?.close();
	await stopTestApp();
});

async function connect(options = {}) {
	const client = await connectClient(server.url, fixture.tokens.editor, options);
	clients.push(client);
	await client.joinSheet(fixture.space.slug, SHEET);
	return client;
}

describe('offline edits', () => {
	it('merge on reconnect, after a reload while offline, and nothing is lost', async () => {
		const ids = fixture.recordIds;
		const alice = await connect({ persistence });
		const bob = await connect();
		const aliceDocs = await Promise.all(ids.map((id) => alice.openDoc(id)));
		const bobDocs = await Promise.all(ids.map((id) => bob.openDoc(id)));

		alice.disconnect();
		// 50 cells offline.
		for (const [index, doc] of aliceDocs.entries()) fieldsOf(doc).set('name', `offline ${index}`);
		// Meanwhile: 45 other cells and 5 of the same ones, online.
		for (const [index, doc] of bobDocs.entries()) {
			if (index < 45) fieldsOf(doc).set('score', 1_000 + index);
			if (index < 5) fieldsOf(doc).set('name', `online ${index}`);
		}
		await bob.whenSettled();
		expect(readField(bobDocs[10]!, 'name')).toBe('Guest 10');

		// The page reloads while still offline: only IndexedDB holds the 50 edits now.
		await new Promise((resolve) => setTimeout(resolve, 200));
		alice.close();
		const reloaded = await connect({ persistence });
		const reloadedDocs = await Promise.all(ids.map((id) => reloaded.openDoc(id)));
		await reloaded.whenSettled();

		for (const [index, id] of ids.entries()) {
			await until(
				() => readField(reloadedDocs[index]!, 'name') === readField(bobDocs[index]!, 'name'),
				10_000,
				`record ${index} to converge`
			);
			const name = readField(reloadedDocs[index]!, 'name');
			if (index < 5) expect([`offline ${index}`, `online ${index}`]).toContain(name);
			else expect(name).toBe(`offline ${index}`);
			expect(readField(reloadedDocs[index]!, 'score')).toBe(index < 45 ? 1_000 + index : index);
			const record = await getRecord({ context, actor: fixture.owner.actor, id });
			expect({ name: record.name, score: record.score }).toEqual({
				name,
				score: readField(bobDocs[index]!, 'score')
			});
		}
	}, 60_000);
});
