// One app process shutting down (a rolling deploy, a crash-restart) must close only its own
// sockets. socket.io's `io.disconnectSockets()` goes through the Redis adapter to every process
// of the cluster, so a stopping process used to drop every browser connected anywhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealtimeClient } from '$lib/client/realtime';
import type { AppContext } from '$lib/server/context';
import { bootTestApp, stopTestApp } from '../support/app';
import {
	SHEET,
	connectClient,
	createSheetFixture,
	startRealtimeServer,
	until,
	type RealtimeServer,
	type SheetFixture
} from '../support/realtime';
import { startRelay } from '../../realtime/index';

let context: AppContext;
let fixture: SheetFixture;
const servers: RealtimeServer[] = [];
const clients: RealtimeClient[] = [];

beforeAll(async () => {
	context = await bootTestApp();
	fixture = await createSheetFixture(context, 2);
}, 60_000);

afterAll(async () => {
	for (const client of clients) client.close();
	for (const server of servers) await server.close().catch(() => undefined);
	await stopTestApp();
});

describe('a process shutting down', () => {
	it('closes its own sockets and leaves the other processes’ connected', async () => {
		expect(context.kv.redis, 'this test needs the Redis adapter (REDIS_URL)').toBeTruthy();
		const stopping = await startRealtimeServer(context);
		const staying = await startRealtimeServer(context);
		servers.push(staying);
		const leaving = await connectClient(stopping.url, fixture.tokens.editor);
		const remaining = await connectClient(staying.url, fixture.tokens.editor);
		clients.push(leaving, remaining);
		await remaining.joinSheet(fixture.space.slug, SHEET);
		let dropped = 0;
		remaining.socket.on('disconnect', () => dropped++);

		await stopping.close();
		await until(() => !leaving.socket.connected, 5_000, 'the stopped process’s socket to close');
		// Give a cluster-wide disconnect time to arrive through Redis.
		await new Promise((resolve) => setTimeout(resolve, 500));
		expect(dropped).toBe(0);
		expect(remaining.socket.connected).toBe(true);
	});

	it('in the job worker, closes its Redis relay without throwing', async () => {
		const relay = startRelay(context);
		await expect(relay.close()).resolves.toBeUndefined();
	});
});
