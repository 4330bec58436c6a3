// The load generator of bench:realtime speaks socket.io at the wire (bench/realtime/wire.ts)
// instead of through socket.io-client. These check that it is understood by the real server the
// way socket.io-client is: refused credentials, acks, binary attachments both ways, broadcasts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Ack, DocSyncReply, SheetChangeBatch } from '$lib/domain/realtime/protocol';
import type { AppContext } from '$lib/server/context';
import { getRecord } from '$lib/server/services/records';
import { WireSocket } from '../../bench/realtime/wire';
import { bootTestApp, stopTestApp } from '../support/app';
import {
	SHEET,
	createSheetFixture,
	startRealtimeServer,
	until,
	type RealtimeServer,
	type SheetFixture
} from '../support/realtime';

let context: AppContext;
let fixture: SheetFixture;
let server: RealtimeServer;
const sockets: WireSocket[] = [];

async function joined(token: string): Promise<WireSocket> {
	const socket = new WireSocket(server.url, { auth: { token }, timeout: 10_000 });
	sockets.push(socket);
	await socket.connect();
	const reply = await socket.emitWithAck<Ack<unknown>>(
		'sheet:join',
		{ space: fixture.space.slug, type: SHEET },
		10_000
	);
	expect(reply.ok).toBe(true);
	return socket;
}

beforeAll(async () => {
	context = await bootTestApp();
	fixture = await createSheetFixture(context, 2);
	server = await startRealtimeServer(context);
}, 60_000);

afterAll(async () => {
	for (const socket of sockets) socket.disconnect();
	await server?.close();
	await stopTestApp();
});

describe('the bench wire client against the real realtime server', () => {
	it('is refused with the server’s reason when the token is wrong', async () => {
		const socket = new WireSocket(server.url, { auth: { token: 'nope' }, timeout: 10_000 });
		sockets.push(socket);
		await expect(socket.connect()).rejects.toThrow(/token|sign|auth/i);
		expect(socket.connected).toBe(false);
	});

	it('syncs a doc, sends a binary update that is stored, and others receive the change', async () => {
		const editor = await joined(fixture.tokens.editor);
		const watcher = await joined(fixture.tokens.viewer);
		const received: SheetChangeBatch[] = [];
		const editorReceived: SheetChangeBatch[] = [];
		watcher.on('changes', (batch: SheetChangeBatch) => received.push(batch));
		editor.on('changes', (batch: SheetChangeBatch) => editorReceived.push(batch));

		const record = fixture.recordIds[0]!;
		const sync = await editor.emitWithAck<Ack<DocSyncReply>>('doc:sync', { doc: record }, 10_000);
		if (!sync.ok) throw new Error(sync.error.message);
		expect(sync.update).toBeInstanceOf(Uint8Array);
		const doc = new Y.Doc();
		Y.applyUpdate(doc, sync.update);
		expect(doc.getMap('fields').get('name')).toBe('Guest 0');

		let update: Uint8Array | undefined;
		doc.on('update', (bytes: Uint8Array) => (update = bytes));
		doc.getMap('fields').set('name', 'Over the wire');
		const ack = await editor.emitWithAck<Ack<unknown>>(
			'doc:update',
			{ doc: record, update },
			10_000
		);
		expect(ack).toEqual({ ok: true, rejected: [] });

		const stored = await getRecord({ context, actor: fixture.owner.actor, id: record });
		expect(stored.name).toBe('Over the wire');

		await until(() => received.length > 0 && editorReceived.length > 0, 10_000, 'the changes');
		// A socket that does not hold the doc gets the values; the holder also gets the Yjs bytes.
		expect(received[0]!.changes[0]).toMatchObject({
			id: record,
			values: { name: 'Over the wire' }
		});
		const own = editorReceived[0]!;
		expect(own.bytes).toBeInstanceOf(Uint8Array);
		const [offset, length] = own.changes[0]!.u!;
		const replica = new Y.Doc();
		Y.applyUpdate(replica, sync.update);
		Y.applyUpdate(replica, own.bytes!.subarray(offset, offset + length));
		expect(replica.getMap('fields').get('name')).toBe('Over the wire');
	});
});
