// The engine in one process against real Postgres: sync, durable acks, broadcast, presence,
// the write path from REST into live docs, and every kind of bad input.
import { io as connectSocket } from 'socket.io-client';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RealtimeClient } from '$lib/client/realtime';
import type { SheetChange } from '$lib/domain/realtime/protocol';
import { fieldsOf, readField, readFields } from '$lib/domain/realtime/ydoc';
import type { AppContext } from '$lib/server/context';
import { createApiToken } from '$lib/server/auth/api-tokens';
import { withActor } from '$lib/server/db';
import { addAttribute, changeAttributeKind } from '$lib/server/services/attributes';
import { createRecords, getRecord, updateRecords } from '$lib/server/services/records';
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

let context: AppContext;
let fixture: SheetFixture;
let server: RealtimeServer;
const clients: RealtimeClient[] = [];

async function client(role: 'owner' | 'editor' | 'viewer' = 'editor') {
	const connected = await connectClient(server.url, fixture.tokens[role]);
	clients.push(connected);
	await connected.joinSheet(fixture.space.slug, SHEET);
	return connected;
}

const stored = (id: string) => getRecord({ context, actor: fixture.owner.actor, id });

beforeAll(async () => {
	context = await bootTestApp();
	fixture = await createSheetFixture(context, 10);
	server = await startRealtimeServer(context);
}, 60_000);

afterAll(async () => {
	for (const connected of clients) connected.close();
	await server?.close();
	await stopTestApp();
});

describe('sync and durable edits', () => {
	it('opens a record as a doc built from its EAV values', async () => {
		const alice = await client();
		const doc = await alice.openDoc(fixture.recordIds[0]!);
		expect(readFields(doc)).toMatchObject({ name: 'Guest 0', notes: 'Note 0', score: 0 });
		expect(fieldsOf(doc).get('notes')).toBeInstanceOf(Y.Text);
	});

	it('acks an edit only once it is in Postgres, and other clients see it', async () => {
		const alice = await client();
		const bob = await client();
		const id = fixture.recordIds[1]!;
		const aliceDoc = await alice.openDoc(id);
		const bobDoc = await bob.openDoc(id);
		const seen: SheetChange[] = [];
		bob.onChanges((changes) => seen.push(...changes));

		fieldsOf(aliceDoc).set('name', 'Ada Lovelace');
		await alice.whenSettled();
		expect(alice.acked).toBeGreaterThan(0);
		expect((await stored(id)).name).toBe('Ada Lovelace');

		await until(() => fieldsOf(bobDoc).get('name') === 'Ada Lovelace', 5_000, 'bob to see it');
		expect(seen.some((change) => change.id === id && change.values.name === 'Ada Lovelace')).toBe(
			true
		);
	});

	it('merges concurrent typing in one long text character by character', async () => {
		const alice = await client();
		const bob = await client();
		const id = fixture.recordIds[2]!;
		const aliceText = fieldsOf(await alice.openDoc(id)).get('notes') as Y.Text;
		const bobText = fieldsOf(await bob.openDoc(id)).get('notes') as Y.Text;
		aliceText.insert(0, 'Alice: ');
		bobText.insert(bobText.length, ' (Bob)');
		await Promise.all([alice.whenSettled(), bob.whenSettled()]);
		await until(() => aliceText.toString() === bobText.toString(), 5_000, 'texts to converge');
		expect(aliceText.toString()).toBe('Alice: Note 2 (Bob)');
		expect((await stored(id)).notes).toBe('Alice: Note 2 (Bob)');
	});

	it('writes the merged value when two clients set one cell at once', async () => {
		const alice = await client();
		const bob = await client();
		const id = fixture.recordIds[3]!;
		const aliceDoc = await alice.openDoc(id);
		const bobDoc = await bob.openDoc(id);
		fieldsOf(aliceDoc).set('score', 111);
		fieldsOf(bobDoc).set('score', 222);
		await Promise.all([alice.whenSettled(), bob.whenSettled()]);
		await until(
			() => fieldsOf(aliceDoc).get('score') === fieldsOf(bobDoc).get('score'),
			5_000,
			'the cell to converge'
		);
		expect((await stored(id)).score).toBe(fieldsOf(aliceDoc).get('score'));
	});

	it('audits socket edits with who made them', async () => {
		const alice = await client();
		const id = fixture.recordIds[4]!;
		fieldsOf(await alice.openDoc(id)).set('name', 'Audited');
		await alice.whenSettled();
		const rows = await withActor(context.db.runtime, fixture.owner.actor, async (tx) => {
			const result = await tx.query(
				`select actor_id, via, new_value from audit_log
				  where entity_id = $1 and attribute_key = 'name' order by id desc limit 1`,
				[id]
			);
			return result.rows;
		});
		expect(rows[0]).toMatchObject({
			actor_id: fixture.editor.id,
			via: 'realtime',
			new_value: 'Audited'
		});
	});
});

describe('one write path', () => {
	it('turns a REST edit into a Yjs update on open docs', async () => {
		const alice = await client();
		const id = fixture.recordIds[5]!;
		const doc = await alice.openDoc(id);
		await updateRecords({
			context,
			actor: fixture.owner.actor,
			space: fixture.space.slug,
			type: SHEET,
			updates: [{ id, values: { name: 'From REST', notes: 'Typed elsewhere' } }]
		});
		await until(() => fieldsOf(doc).get('name') === 'From REST', 5_000, 'the REST edit');
		expect((fieldsOf(doc).get('notes') as Y.Text).toString()).toBe('Typed elsewhere');
		// A second client opening later gets the same state from record_docs.
		const bob = await client();
		expect(readFields(await bob.openDoc(id))).toMatchObject({
			name: 'From REST',
			notes: 'Typed elsewhere'
		});
	});

	it('carries a change of kind into open and stored docs, values set aside included', async () => {
		const scope = { context, actor: fixture.owner.actor, space: fixture.space.slug, type: SHEET };
		await addAttribute({ ...scope, input: { name: 'Rank', key: 'rank', kind: 'text' } });
		const [converts, setAside] = [fixture.recordIds[6]!, fixture.recordIds[7]!];
		await updateRecords({
			...scope,
			updates: [
				{ id: converts, values: { rank: '7' } },
				{ id: setAside, values: { rank: 'seventh' } }
			]
		});
		const alice = await client();
		const [docA, docB] = await Promise.all([alice.openDoc(converts), alice.openDoc(setAside)]);
		expect([fieldsOf(docA).get('rank'), fieldsOf(docB).get('rank')]).toEqual(['7', 'seventh']);

		const report = await changeAttributeKind({
			...scope,
			attribute: 'rank',
			input: { kind: 'number', options: {} }
		});
		expect(report).toMatchObject({ converted: 1, failures: [{ id: setAside }] });
		await until(
			() => fieldsOf(docA).get('rank') === 7 && fieldsOf(docB).get('rank') === null,
			5_000,
			'the converted values in the open docs'
		);
		// A later editor of that record writes nothing stale back, and a fresh client agrees.
		fieldsOf(docA).set('name', 'Ranked');
		await alice.whenSettled();
		expect(await stored(converts)).toMatchObject({ name: 'Ranked', rank: 7 });
		const bob = await client();
		expect(readFields(await bob.openDoc(setAside))).toMatchObject({ rank: null });
	});
});

describe('a check-in, whichever path makes it', () => {
	it('stamps the time and who ticked the box, in the rows and in every open doc', async () => {
		// Ticking "Checked in" in the grid left "Checked in at" and "by" empty.
		const scope = { context, actor: fixture.owner.actor, space: fixture.space.slug, type: SHEET };
		for (const input of [
			{ name: 'Arrived', key: 'arrived', kind: 'checkbox', checkinAccess: 'write' },
			{ name: 'Arrived at', key: 'arrived_at', kind: 'datetime', checkinAccess: 'write' },
			{ name: 'Let in by', key: 'let_in_by', kind: 'user', checkinAccess: 'write' }
		]) {
			await addAttribute({ ...scope, input });
		}
		const alice = await client('editor');
		const bob = await client('owner');
		const id = fixture.recordIds[8]!;
		const [doc, bobDoc] = [await alice.openDoc(id), await bob.openDoc(id)];
		const startedAt = Date.now();

		fieldsOf(doc).set('arrived', true);
		await alice.whenSettled();
		const record = await stored(id);
		expect(record).toMatchObject({ arrived: true, let_in_by: fixture.editor.id });
		expect(Date.parse(String(record.arrived_at))).toBeGreaterThanOrEqual(startedAt - 1_000);
		await until(
			() => fieldsOf(bobDoc).get('let_in_by') === fixture.editor.id,
			5_000,
			'the stamp in another client'
		);
		await until(
			() => fieldsOf(doc).get('let_in_by') === fixture.editor.id,
			5_000,
			"the stamp in the sender's doc"
		);
		expect(Date.parse(String(fieldsOf(bobDoc).get('arrived_at')))).toBe(
			Date.parse(String(record.arrived_at))
		);

		// Clearing the box clears the stamp; the REST path stamps the same way.
		fieldsOf(doc).set('arrived', false);
		await alice.whenSettled();
		expect(await stored(id)).toMatchObject({ arrived: false, arrived_at: null, let_in_by: null });
		await updateRecords({ ...scope, updates: [{ id, values: { arrived: true } }] });
		expect(await stored(id)).toMatchObject({ arrived: true, let_in_by: fixture.owner.id });
		await until(
			() => fieldsOf(bobDoc).get('let_in_by') === fixture.owner.id,
			5_000,
			'the REST stamp in an open doc'
		);
		// Ticking it again keeps the first stamp.
		const first = (await stored(id)).arrived_at;
		await updateRecords({ ...scope, updates: [{ id, values: { arrived: true, name: 'Again' } }] });
		expect((await stored(id)).arrived_at).toBe(first);
	});
});

describe('batches', () => {
	it('delivers a batch of more than 10 Yjs updates in one event without tripping the client parser', async () => {
		const alice = await client();
		const ids = fixture.recordIds.slice(0, 10);
		const docs = await Promise.all(ids.map((id) => alice.openDoc(id)));
		const batches: number[] = [];
		alice.onChanges((changes) => batches.push(changes.length));
		// One bulk write: 10 records with docs, so 10 updates in one tick, plus the creates.
		await updateRecords({
			context,
			actor: fixture.owner.actor,
			space: fixture.space.slug,
			type: SHEET,
			updates: ids.map((id, index) => ({ id, values: { score: 500 + index } }))
		});
		await createRecords({
			context,
			actor: fixture.owner.actor,
			space: fixture.space.slug,
			type: SHEET,
			values: Array.from({ length: 5 }, (_, index) => ({ name: `Batch ${index}` }))
		});
		await until(
			() => docs.every((doc, index) => readField(doc, 'score') === 500 + index),
			5_000,
			'all ten updates'
		);
		expect(Math.max(...batches)).toBeGreaterThanOrEqual(10);
		expect(alice.socket.connected).toBe(true);
	});
});

describe('presence', () => {
	it('relays awareness on a sheet and clears it when a socket leaves', async () => {
		const alice = await client();
		const bob = await client();
		const aliceSheet = await alice.joinSheet(fixture.space.slug, SHEET);
		const bobSheet = await bob.joinSheet(fixture.space.slug, SHEET);
		alice.setPresence(aliceSheet.awareness, {
			user: { id: fixture.editor.id, name: 'Alice', color: '#e11d48' },
			sheet: aliceSheet.info.typeId,
			cell: { record: fixture.recordIds[0]!, field: 'name' },
			editing: null
		});
		const aliceId = aliceSheet.awareness.clientID;
		await until(() => bobSheet.awareness.getStates().has(aliceId), 5_000, 'bob to see alice');
		expect(bobSheet.awareness.getStates().get(aliceId)).toMatchObject({ user: { name: 'Alice' } });
		alice.close();
		await until(() => !bobSheet.awareness.getStates().has(aliceId), 5_000, 'alice to be cleared');
	});
});

describe('bad input', () => {
	it('refuses a handshake without credentials', async () => {
		const socket = connectSocket(server.url, { transports: ['websocket'], reconnection: false });
		const error = await new Promise<Error>((resolve) => socket.on('connect_error', resolve));
		socket.close();
		expect(error.message).toBe('unauthorized');
	});

	it('answers malformed Yjs bytes with bad_message and carries on', async () => {
		const alice = await client();
		const id = fixture.recordIds[6]!;
		const doc = await alice.openDoc(id);
		const reply = await alice.socket.emitWithAck('doc:update', {
			doc: id,
			update: new Uint8Array([255, 255, 255, 255, 15])
		});
		expect(reply).toMatchObject({ ok: false, error: { code: 'bad_message' } });
		fieldsOf(doc).set('name', 'Still works');
		await alice.whenSettled();
		expect((await stored(id)).name).toBe('Still works');
	});

	it('refuses an update to a record the sender may not see', async () => {
		const alice = await client();
		const stranger = new Y.Doc();
		fieldsOf(stranger).set('name', 'x');
		const reply = await alice.socket.emitWithAck('doc:update', {
			doc: '00000000-0000-4000-8000-000000000000',
			update: Y.encodeStateAsUpdate(stranger)
		});
		expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden' } });
	});

	it('refuses a viewer edit with forbidden, and the value stays', async () => {
		const viewer = await client('viewer');
		const id = fixture.recordIds[7]!;
		const doc = await viewer.openDoc(id);
		const problems: string[] = [];
		viewer.onProblem((problem) => problems.push(problem.code));
		fieldsOf(doc).set('name', 'Viewer was here');
		await viewer.whenSettled();
		expect(problems).toContain('forbidden');
		expect((await stored(id)).name).toBe('Guest 7');
	});

	it('refuses a live edit from a token without the write scope, whatever its role', async () => {
		for (const scopes of [['read', 'schema'], ['read']]) {
			const { secret } = await createApiToken({
				context,
				actor: fixture.editor.actor,
				space: fixture.space.slug,
				input: { name: `editor ${scopes.join('+')}`, role: 'editor', scopes }
			});
			const scoped = await connectClient(server.url, secret);
			clients.push(scoped);
			await scoped.joinSheet(fixture.space.slug, SHEET);
			const id = fixture.recordIds[6]!;
			const before = (await stored(id)).name;
			const doc = await scoped.openDoc(id);
			const problems: string[] = [];
			scoped.onProblem((problem) => problems.push(problem.code));
			fieldsOf(doc).set('name', 'Script was here');
			await scoped.whenSettled();
			expect(problems, scopes.join('+')).toContain('forbidden');
			expect((await stored(id)).name).toBe(before);
		}
	});

	it('rejects an invalid value naming the field, and corrects every doc', async () => {
		const alice = await client();
		const bob = await client();
		const id = fixture.recordIds[8]!;
		const aliceDoc = await alice.openDoc(id);
		const bobDoc = await bob.openDoc(id);
		const problems: { code: string; field?: string }[] = [];
		alice.onProblem((problem) => problems.push(problem));
		fieldsOf(aliceDoc).set('email', 'not an email');
		fieldsOf(aliceDoc).set('score', 42);
		await alice.whenSettled();
		expect(problems).toContainEqual(
			expect.objectContaining({ code: 'invalid_value', field: 'email' })
		);
		await until(() => readField(aliceDoc, 'email') === null, 5_000, 'the correction');
		await until(() => fieldsOf(bobDoc).get('score') === 42, 5_000, 'bob to get the valid part');
		expect(readField(bobDoc, 'email')).toBe(null);
		const record = await stored(id);
		expect(record.email).toBe(null);
		expect(record.score).toBe(42);
	});

	it('rejects a duplicate in a unique field with conflict', async () => {
		const alice = await client();
		const [first, second] = [fixture.recordIds[0]!, fixture.recordIds[9]!];
		const firstDoc = await alice.openDoc(first);
		fieldsOf(firstDoc).set('email', 'same@example.test');
		await alice.whenSettled();
		const problems: { code: string; field?: string }[] = [];
		alice.onProblem((problem) => problems.push(problem));
		const secondDoc = await alice.openDoc(second);
		fieldsOf(secondDoc).set('email', 'same@example.test');
		await alice.whenSettled();
		expect(problems).toContainEqual(expect.objectContaining({ code: 'conflict', field: 'email' }));
		await until(() => readField(secondDoc, 'email') === null, 5_000, 'the correction');
		expect((await stored(second)).email).toBe(null);
	});

	it('refuses oversized updates with too_large', async () => {
		const alice = await client();
		const id = fixture.recordIds[6]!;
		await alice.openDoc(id);
		const big = new Y.Doc();
		fieldsOf(big).set('notes', 'x'.repeat(1_500_000));
		const reply = await alice.socket.emitWithAck('doc:update', {
			doc: id,
			update: Y.encodeStateAsUpdate(big)
		});
		expect(reply).toMatchObject({ ok: false, error: { code: 'too_large' } });
		expect(alice.socket.connected).toBe(true);
	});

	it('answers a message flood with rate_limited and keeps serving others', async () => {
		const flooder = await client();
		const bystander = await client();
		const replies = await Promise.all(
			Array.from({ length: 700 }, () =>
				flooder.socket.emitWithAck('sheet:join', { space: fixture.space.slug, type: SHEET })
			)
		);
		const limited = replies.filter(
			(reply) => !reply.ok && (reply as { error: { code: string } }).error.code === 'rate_limited'
		);
		expect(limited.length).toBeGreaterThan(0);
		const id = fixture.recordIds[6]!;
		fieldsOf(await bystander.openDoc(id)).set('name', 'Unaffected');
		await bystander.whenSettled();
		expect((await stored(id)).name).toBe('Unaffected');
	});

	it('refuses presence that names another user', async () => {
		const mallory = await client();
		const bob = await client();
		const mallorySheet = await mallory.joinSheet(fixture.space.slug, SHEET);
		const bobSheet = await bob.joinSheet(fixture.space.slug, SHEET);
		const problems: string[] = [];
		mallory.onProblem((problem) => problems.push(problem.code));
		mallory.setPresence(mallorySheet.awareness, {
			user: { id: fixture.owner.id, name: 'Olivia Owner', color: '#000' },
			sheet: mallorySheet.info.typeId
		});
		await until(() => problems.includes('forbidden'), 5_000, 'the refusal');
		expect(bobSheet.awareness.getStates().has(mallorySheet.awareness.clientID)).toBe(false);
	});

	it('refuses presence on a sheet the socket has not joined', async () => {
		const alice = await connectClient(server.url, fixture.tokens.editor);
		clients.push(alice);
		const problems: string[] = [];
		alice.onProblem((problem) => problems.push(problem.code));
		const awareness = new Awareness(new Y.Doc());
		alice.socket.emit('awareness', {
			sheet: '00000000-0000-4000-8000-000000000000',
			update: new Uint8Array([0])
		});
		awareness.destroy();
		await until(() => problems.length > 0, 5_000, 'the refusal');
		expect(problems[0]).toBe('forbidden');
	});
});

describe('stock y-websocket clients', () => {
	it('sync a record at /yjs/<id> and converge with socket.io clients, under the same rules', async () => {
		const { WebsocketProvider } = await import('y-websocket');
		const { WebSocket } = await import('ws');
		const id = fixture.recordIds[5]!;
		const stock = new Y.Doc();
		const provider = new WebsocketProvider(server.url.replace('http', 'ws') + '/yjs', id, stock, {
			WebSocketPolyfill: WebSocket as never,
			params: { token: fixture.tokens.editor },
			disableBc: true
		});
		try {
			await until(() => provider.synced, 10_000, 'the stock provider to sync');
			expect(readField(stock, 'name')).toBe((await stored(id)).name);

			const alice = await client();
			const aliceDoc = await alice.openDoc(id);
			fieldsOf(stock).set('name', 'From y-websocket');
			await until(() => readField(aliceDoc, 'name') === 'From y-websocket', 5_000, 'alice');
			expect((await stored(id)).name).toBe('From y-websocket');

			fieldsOf(aliceDoc).set('score', 7);
			await until(() => readField(stock, 'score') === 7, 5_000, 'the stock client');

			// Validation applies: an invalid email is put back for the stock client too.
			fieldsOf(stock).set('email', 'nope');
			await until(() => readField(stock, 'email') === null, 5_000, 'the correction');
			expect((await stored(id)).email).toBe(null);
		} finally {
			provider.destroy();
		}
	});

	it('refuses a stock client without a token', async () => {
		const { WebSocket } = await import('ws');
		const socket = new WebSocket(`${server.url.replace('http', 'ws')}/yjs/${fixture.recordIds[0]}`);
		const code = await new Promise<number>((resolve) => socket.on('close', resolve));
		expect(code).toBe(4401);
	});

	it('refuses a viewer stock client edit: the stored value stays', async () => {
		const { WebsocketProvider } = await import('y-websocket');
		const { WebSocket } = await import('ws');
		const id = fixture.recordIds[7]!;
		const stock = new Y.Doc();
		const provider = new WebsocketProvider(server.url.replace('http', 'ws') + '/yjs', id, stock, {
			WebSocketPolyfill: WebSocket as never,
			params: { token: fixture.tokens.viewer },
			disableBc: true
		});
		try {
			await until(() => provider.synced, 10_000, 'the viewer to sync');
			// y-websocket reports the server's permission-denied message with console.warn.
			const warnings: string[] = [];
			const warn = vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
				warnings.push(args.join(' '));
			});
			try {
				fieldsOf(stock).set('name', 'Viewer via y-websocket');
				await until(
					() => warnings.some((line) => line.includes('forbidden')),
					5_000,
					'the permission-denied message'
				);
			} finally {
				warn.mockRestore();
			}
			expect((await stored(id)).name).toBe('Guest 7');
		} finally {
			provider.destroy();
		}
	});
});
