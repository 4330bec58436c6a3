// Two real app processes (`node server.js`) on one Postgres and one Redis: concurrent edits
// converge everywhere, a Redis outage is survived, and a kill -9 loses no acked edit.
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealtimeClient } from '$lib/client/realtime';
import { fieldsOf, readFields } from '$lib/domain/realtime/ydoc';
import type { AppContext } from '$lib/server/context';
import { getRecord } from '$lib/server/services/records';
import { bootTestApp, stopTestApp } from '../support/app';
import { redisServerBinary, startRedisServer, type RedisServer } from '../support/redis-server';
import {
	connectClient,
	createSheetFixture,
	prng,
	SHEET,
	until,
	type SheetFixture
} from '../support/realtime';
import { startAppServer, type AppServer } from '../support/server';

let context: AppContext;
let fixture: SheetFixture;
const servers: AppServer[] = [];
const clients: RealtimeClient[] = [];

async function client(server: AppServer) {
	const connected = await connectClient(server.url, fixture.tokens.editor);
	clients.push(connected);
	await connected.joinSheet(fixture.space.slug, SHEET);
	return connected;
}

async function start(env: Record<string, string> = {}) {
	const server = await startAppServer(env);
	servers.push(server);
	return server;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const stored = (id: string) => getRecord({ context, actor: fixture.owner.actor, id });
const comparable = (doc: Y.Doc) => {
	const { name, score, notes, email } = readFields(doc);
	return JSON.stringify({ name, score, notes, email });
};

beforeAll(async () => {
	context = await bootTestApp();
	fixture = await createSheetFixture(context, 20);
}, 60_000);

afterAll(async () => {
	for (const connected of clients) connected.close();
	await Promise.all(servers.map((server) => server.stop()));
	await stopTestApp();
});

describe('two processes through Redis', () => {
	it('converge after 1,000 random concurrent edits from each side', async () => {
		const [first, second] = await Promise.all([start(), start()]);
		const alice = await client(first!);
		const bob = await client(second!);
		const ids = fixture.recordIds;
		const aliceDocs = await Promise.all(ids.map((id) => alice.openDoc(id)));
		const bobDocs = await Promise.all(ids.map((id) => bob.openDoc(id)));

		let textInserts = 0;
		const edit = async (docs: Y.Doc[], seed: number) => {
			const random = prng(seed);
			for (let k = 0; k < 1_000; k++) {
				const doc = docs[Math.floor(random() * docs.length)]!;
				const op = random();
				if (op < 0.35) fieldsOf(doc).set('name', `n${seed}-${k}`);
				else if (op < 0.6) fieldsOf(doc).set('score', Math.floor(random() * 1_000));
				else {
					const text = fieldsOf(doc).get('notes') as Y.Text;
					textInserts++;
					// At either end, so no insert lands inside another's marker.
					text.insert(random() < 0.5 ? 0 : text.length, `<${seed}:${k}>`);
				}
				// Stay inside the per-socket message budget (200 a second).
				if (k % 10 === 9) await sleep(70);
			}
		};
		await Promise.all([edit(aliceDocs, 1), edit(bobDocs, 2)]);
		await Promise.all([alice.whenSettled(), bob.whenSettled()]);

		await until(
			() => ids.every((_, index) => comparable(aliceDocs[index]!) === comparable(bobDocs[index]!)),
			30_000,
			'both clients to agree'
		);
		// Both processes: a fresh client on each gets that process's doc.
		const [carol, dave] = await Promise.all([client(first!), client(second!)]);
		for (const [index, id] of ids.entries()) {
			const expected = comparable(aliceDocs[index]!);
			expect(comparable(await carol.openDoc(id))).toBe(expected);
			expect(comparable(await dave.openDoc(id))).toBe(expected);
			// And the EAV rows: where a process's commit lost the merge to the other's, it writes
			// the merged value once it hears of the other change (the engine's repair), which
			// may land a moment after both clients have their acks.
			const values = readFields(aliceDocs[index]!);
			const expectedRow = JSON.stringify([values.name, values.score, values.notes]);
			let row = '';
			await until(
				async () => {
					const record = await stored(id);
					row = JSON.stringify([record.name, record.score, record.notes]);
					return row === expectedRow;
				},
				15_000,
				`the EAV rows of record ${index} to equal the docs`
			).catch((error) => {
				expect(row).toBe(expectedRow);
				throw error;
			});
		}
		// Nothing typed was lost: every text insert from both sides is in the stored notes.
		const allNotes = (await Promise.all(ids.map(stored))).map((record) => record.notes).join('');
		const inserts = allNotes.match(/<[12]:\d+>/g) ?? [];
		expect(new Set(inserts).size).toBe(inserts.length);
		expect(inserts.length).toBe(textInserts);
	}, 180_000);
});

describe.skipIf(!redisServerBinary())('a Redis outage', () => {
	// Needs its own redis-server to stop and start; skipped (with this reason) where the
	// binary is not installed, as on a laptop without Redis. CI installs it.
	let redis: RedisServer;

	afterAll(async () => {
		await redis?.stop();
	});

	it('leaves each process serving its own clients, and both converge when Redis is back', async () => {
		redis = await startRedisServer();
		const env = { REDIS_URL: redis.url };
		const [first, second] = await Promise.all([start(env), start(env)]);
		const alice = await client(first!);
		const aliceTwin = await client(first!);
		const bob = await client(second!);
		const [x, y] = [fixture.recordIds[0]!, fixture.recordIds[1]!];
		const aliceX = await alice.openDoc(x);
		const twinX = await aliceTwin.openDoc(x);
		const aliceY = await alice.openDoc(y);
		const bobX = await bob.openDoc(x);
		const bobY = await bob.openDoc(y);

		fieldsOf(aliceX).set('name', 'before the outage');
		await until(() => fieldsOf(bobX).get('name') === 'before the outage', 10_000, 'Redis relay');

		await redis.stop();
		fieldsOf(aliceX).set('name', 'during the outage');
		fieldsOf(bobY).set('score', 4242);
		await Promise.all([alice.whenSettled(), bob.whenSettled()]);
		// Same process: served without Redis.
		await until(() => fieldsOf(twinX).get('name') === 'during the outage', 10_000, 'local relay');
		expect((await stored(x)).name).toBe('during the outage');
		expect((await stored(y)).score).toBe(4242);

		redis = await startRedisServer({ port: redis.port });
		await until(
			() =>
				fieldsOf(bobX).get('name') === 'during the outage' &&
				fieldsOf(aliceY).get('score') === 4242,
			30_000,
			'both sides to converge after Redis returns'
		);
		// And relaying works again.
		fieldsOf(bobY).set('name', 'after the outage');
		await until(() => fieldsOf(aliceY).get('name') === 'after the outage', 15_000, 'relay after');
	}, 120_000);
});

describe('a crash', () => {
	it('loses no acked edit on kill -9, and the unacked ones land after restart', async () => {
		const server = await start();
		const alice = await client(server);
		const ids = fixture.recordIds.slice(10, 20);
		const docs = await Promise.all(ids.map((id) => alice.openDoc(id)));
		const token = new Map<Uint8Array, string>();
		const acked = new Set<string>();
		alice.onAck((_doc, update) => {
			const sent = token.get(update);
			if (sent) acked.add(sent);
		});
		const TOTAL = 300;
		let killed: Promise<void> | null = null;
		for (let k = 0; k < TOTAL; k++) {
			const doc = docs[k % docs.length]!;
			const mark = `[crash:${k}]`;
			const capture = (update: Uint8Array) => token.set(update, mark);
			doc.on('update', capture);
			(fieldsOf(doc).get('notes') as Y.Text).insert(0, mark);
			doc.off('update', capture);
			if (k % 10 === 9) await sleep(40);
			// Crash mid-burst: once some edits are acked, with more in flight and more to come.
			if (!killed && acked.size >= 30) killed = server.kill();
		}
		await (killed ?? server.kill());
		expect(acked.size).toBeGreaterThan(0);
		expect(acked.size).toBeLessThan(TOTAL);
		// What is durable now is what survived the crash: every acked edit must be there.
		const afterCrash = (await Promise.all(ids.map(stored))).map((record) => record.notes).join('');
		for (const mark of acked) expect(afterCrash).toContain(mark);

		const restarted = await start({ PORT: String(server.port) });
		expect(restarted.port).toBe(server.port);
		await until(() => alice.state === 'online', 30_000, 'the client to reconnect');
		await until(
			async () => {
				const notes = (await Promise.all(ids.map(stored))).map((record) => record.notes).join('');
				return Array.from({ length: TOTAL }, (_, k) => `[crash:${k}]`).every((mark) =>
					notes.includes(mark)
				);
			},
			30_000,
			'every edit to land after the restart'
		);
	}, 120_000);
});
