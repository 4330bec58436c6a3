// The fan-out writes a sheet's batch to its sockets a chunk at a time, yielding to the event
// loop between chunks (so a commit's answer does not wait for thousands of socket writes). With
// real socket.io sockets: every socket gets every batch once and in order, and a socket that
// loses the sheet between two chunks of a flush gets nothing more of it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordChange } from '$lib/domain/record-change';
import { sheetRoom, type SheetChangeBatch } from '$lib/domain/realtime/protocol';
import { Fanout } from '../../realtime/fanout';
import { until } from '../support/realtime';

const SHEET = '00000000-0000-4000-8000-000000000001';
/** More than two chunks of the fan-out (100 sockets each). */
const SOCKETS = 250;

let server: http.Server;
let io: Server;
let fanout: Fanout;
const clients: Socket[] = [];
/** Server-side socket ids in the order they joined the sheet (the order chunks follow). */
const joined: string[] = [];
/** What each socket received, by its id (the same on the client and the server). */
const received = new Map<string, string[]>();

const change = (n: number): RecordChange => ({
	spaceId: '00000000-0000-4000-8000-000000000002',
	entityTypeId: SHEET,
	entityTypeKey: 'guests',
	entityId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
	action: 'update',
	values: { name: `v${n}` },
	actorId: '00000000-0000-4000-8000-000000000003',
	via: 'api',
	at: new Date().toISOString()
});

beforeAll(async () => {
	server = http.createServer();
	io = new Server(server);
	fanout = new Fanout(io);
	io.on('connection', (socket) => {
		void socket.join(sheetRoom(SHEET));
		joined.push(socket.id);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	for (let i = 0; i < SOCKETS; i++) {
		const client = connect(`http://127.0.0.1:${port}`, {
			transports: ['websocket'],
			forceNew: true,
			reconnection: false
		});
		clients.push(client);
	}
	await until(() => joined.length === SOCKETS, 20_000, 'every socket to join');
	for (const client of clients) {
		const seen: string[] = [];
		received.set(client.id!, seen);
		client.on('changes', (batch: SheetChangeBatch) => {
			for (const one of batch.changes) seen.push(String(one.values.name));
		});
	}
}, 60_000);

afterAll(async () => {
	fanout?.close();
	for (const client of clients) client.disconnect();
	await new Promise<void>((resolve) => io?.close(() => resolve()));
});

describe('fan-out in chunks', () => {
	it('gives every socket every batch once, in order', async () => {
		fanout.deliver([change(1)]);
		// Delivered while the first flush is going out: waits for the next one.
		setImmediate(() => fanout.deliver([change(2), change(3)]));
		await until(
			() => [...received.values()].every((seen) => seen.length >= 3),
			10_000,
			'all three changes at every socket'
		);
		for (const seen of received.values()) expect(seen).toEqual(['v1', 'v2', 'v3']);
	});

	it('sends nothing more to a socket that left the sheet between two chunks of a flush', async () => {
		for (const seen of received.values()) seen.length = 0;
		// In the second chunk: the flush's first chunk goes out before it leaves.
		const leaving = joined[150]!;
		// Past the pause the previous flush earned, so this flush starts on the next turn.
		await new Promise((resolve) => setTimeout(resolve, 200));
		fanout.deliver([change(4)]);
		// Runs right after the flush's first chunk, in the same turn of the event loop.
		setImmediate(() => io.of('/').sockets.get(leaving)!.leave(sheetRoom(SHEET)));
		const stayed = joined.filter((id) => id !== leaving);
		await until(
			() => stayed.every((id) => received.get(id)!.length === 1),
			10_000,
			'the change at every other socket'
		);
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(received.get(leaving)).toEqual([]);
		// Chunks after the first: the socket that left was one of them, not the first.
		expect(received.get(joined[0]!)).toEqual(['v4']);
	});
});
