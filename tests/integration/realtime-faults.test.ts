// Faults an adversarial review found in the realtime engine, each written as the behaviour the
// engine owes: access that is lost while connected, acks that must mean "stored", docs that
// hold only their fields and stay small, one write budget per user, and presence that cannot
// name someone else. They fail on the engine as reviewed; each says in its name what is owed.
import { io as connectSocket, type Socket } from 'socket.io-client';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RealtimeClient } from '$lib/client/realtime';
import {
	MAX_UPDATE_BYTES,
	type Ack,
	type ClientToServerEvents,
	type DocUpdateReply,
	type ServerToClientEvents,
	type SheetChange
} from '$lib/domain/realtime/protocol';
import { fieldsOf, readField } from '$lib/domain/realtime/ydoc';
import { createApiToken, revokeApiToken } from '$lib/server/auth/api-tokens';
import type { AppContext } from '$lib/server/context';
import { withActor } from '$lib/server/db';
import { addAttribute, updateAttribute } from '$lib/server/services/attributes';
import { removeMember } from '$lib/server/services/members';
import { getRecord, updateRecords } from '$lib/server/services/records';
import type { CellValue } from '$lib/domain/attributes/kind';
import { addMember, bootTestApp, createUser, stopTestApp } from '../support/app';
import {
	SHEET,
	connectClient,
	createSheetFixture,
	startRealtimeServer,
	until,
	type RealtimeServer,
	type SheetFixture
} from '../support/realtime';

/**
 * The per-user live edit limit for this file. The context is one per process (boot() keeps the
 * first), so the low limit fault 4 needs applies to the whole file: tests that write a lot as one
 * user get a fixture (fresh users) of their own, and no user here comes near it otherwise.
 */
const LIVE_EDITS_PER_MINUTE = 60;
/** How long the engine may take to notice lost access before it must act on it. */
const REVOCATION_GRACE_MS = 1_500;
/** How long to keep listening for a change that must not arrive, once a bystander has it. */
const QUIET_MS = 400;
/** "A few MB": the most one record's stored doc may reach (fault 3). */
const MAX_STORED_DOC_BYTES = 5_000_000;

let context: AppContext;
let shared: SheetFixture;
let server: RealtimeServer;
const clients: RealtimeClient[] = [];
const sockets: Socket[] = [];

type RawSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type UpdateAck = Ack<DocUpdateReply>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function client(fixture: SheetFixture, token: string) {
	const connected = await connectClient(server.url, token);
	clients.push(connected);
	await connected.joinSheet(fixture.space.slug, SHEET);
	return connected;
}

/** Every change a client receives, in order. */
function collect(connected: RealtimeClient): SheetChange[] {
	const seen: SheetChange[] = [];
	connected.onChanges((changes) => seen.push(...changes));
	return seen;
}

const carries = (seen: SheetChange[], id: string, key: string, value: CellValue) =>
	seen.some((change) => change.id === id && change.values[key] === value);

/** Changes without their Yjs bytes, so a failure shows what was sent, not a byte dump. */
const summary = (seen: SheetChange[]) => seen.map(({ id, values }) => ({ id, values }));

const stored = (fixture: SheetFixture, id: string) =>
	getRecord({ context, actor: fixture.owner.actor, id });

const restEdit = (fixture: SheetFixture, id: string, values: Record<string, CellValue>) =>
	updateRecords({
		context,
		actor: fixture.owner.actor,
		space: fixture.space.slug,
		type: SHEET,
		updates: [{ id, values }]
	});

/** The stored Yjs state's size, read past RLS (record_docs is the engine's, not a member's). */
async function storedDocBytes(id: string): Promise<number> {
	const { rows } = await context.db.owner.query<{ size: number }>(
		'select octet_length(state)::int as size from record_docs where entity_id = $1',
		[id]
	);
	return rows[0]?.size ?? 0;
}

/**
 * A record doc driven by hand over a bare socket: edits are captured per transaction and sent
 * only when the test says so, so a test can skip one or send exactly the bytes it means to.
 */
interface RawDoc {
	socket: RawSocket;
	doc: Y.Doc;
	/** Runs one local transaction and returns its update, without sending it. */
	edit(change: (fields: Y.Map<unknown>, doc: Y.Doc) => void): Uint8Array;
	send(update: Uint8Array): Promise<UpdateAck>;
}

async function rawSocket(token: string): Promise<RawSocket> {
	const socket: RawSocket = connectSocket(server.url, {
		transports: ['websocket'],
		reconnection: false,
		auth: { token }
	});
	sockets.push(socket);
	await until(() => socket.connected, 10_000, 'the raw socket to connect');
	return socket;
}

async function openRaw(token: string, id: string): Promise<RawDoc> {
	const connected = await rawSocket(token);
	const doc = new Y.Doc();
	const reply = await connected.timeout(10_000).emitWithAck('doc:sync', { doc: id });
	if (!reply.ok) throw new Error(`doc:sync refused: ${reply.error.code}`);
	Y.applyUpdate(doc, new Uint8Array(reply.update), 'server');
	return {
		socket: connected,
		doc,
		edit(change) {
			const captured: Uint8Array[] = [];
			const capture = (update: Uint8Array) => captured.push(update);
			doc.on('update', capture);
			try {
				doc.transact(() => change(fieldsOf(doc), doc));
			} finally {
				doc.off('update', capture);
			}
			return Y.mergeUpdates(captured);
		},
		send: (update) => connected.timeout(10_000).emitWithAck('doc:update', { doc: id, update })
	};
}

const codeOf = (reply: UpdateAck | null) => (reply && !reply.ok ? reply.error.code : null);

/** An edit by someone who may no longer edit: its answer, or null once the socket is gone. */
async function strayEdit(socket: RawSocket, id: string) {
	const stray = new Y.Doc();
	fieldsOf(stray).set('score', 9_999);
	if (!socket.connected) return null;
	return socket
		.timeout(5_000)
		.emitWithAck('doc:update', { doc: id, update: Y.encodeStateAsUpdate(stray) })
		.catch(() => null);
}

beforeAll(async () => {
	context = await bootTestApp({ RATE_LIMIT_LIVE_EDITS_PER_MINUTE: String(LIVE_EDITS_PER_MINUTE) });
	shared = await createSheetFixture(context, 10);
	server = await startRealtimeServer(context);
}, 60_000);

afterAll(async () => {
	for (const connected of clients) connected.close();
	for (const socket of sockets) socket.close();
	await server?.close();
	await stopTestApp();
});

describe('fault 1: access is checked again while connected, not only on join', () => {
	it('sends a removed member no further changes of the sheet and refuses their edits', async () => {
		const fixture = await createSheetFixture(context, 2);
		const id = fixture.recordIds[0]!;
		const member = await client(fixture, fixture.tokens.editor);
		const memberDoc = await member.openDoc(id);
		const owner = await client(fixture, fixture.tokens.owner);
		const memberSaw = collect(member);
		const ownerSaw = collect(owner);

		// While a member, the connection gets the sheet's changes (the channel works).
		await restEdit(fixture, id, { name: 'Before removal' });
		await until(() => carries(memberSaw, id, 'name', 'Before removal'), 5_000, 'the member');

		await removeMember({
			context,
			actor: fixture.owner.actor,
			space: fixture.space.slug,
			userId: fixture.editor.id
		});
		await sleep(REVOCATION_GRACE_MS);
		memberSaw.length = 0;
		await restEdit(fixture, id, { name: 'After removal', notes: 'Members only' });
		await until(() => carries(ownerSaw, id, 'name', 'After removal'), 5_000, 'the owner');
		await sleep(QUIET_MS);

		expect.soft(summary(memberSaw), 'changes sent to the removed member').toEqual([]);
		expect.soft(readField(memberDoc, 'name')).not.toBe('After removal');
		const reply = await strayEdit(member.socket, id);
		expect.soft(reply?.ok ?? false, 'an edit from the removed member acked ok').toBe(false);
		expect.soft((await stored(fixture, id)).score).not.toBe(9_999);
	});

	it('sends a revoked API token no further changes and refuses its edits', async () => {
		const id = shared.recordIds[0]!;
		const token = await createApiToken({
			context,
			actor: shared.editor.actor,
			space: shared.space.slug,
			input: { name: 'to be revoked', role: 'editor' }
		});
		const revoked = await client(shared, token.secret);
		const revokedDoc = await revoked.openDoc(id);
		const owner = await client(shared, shared.tokens.owner);
		const revokedSaw = collect(revoked);
		const ownerSaw = collect(owner);

		await restEdit(shared, id, { name: 'Before revoking' });
		await until(() => carries(revokedSaw, id, 'name', 'Before revoking'), 5_000, 'the token');

		await revokeApiToken({
			context,
			actor: shared.editor.actor,
			space: shared.space.slug,
			id: token.id
		});
		await sleep(REVOCATION_GRACE_MS);
		revokedSaw.length = 0;
		await restEdit(shared, id, { name: 'After revoking' });
		await until(() => carries(ownerSaw, id, 'name', 'After revoking'), 5_000, 'the owner');
		await sleep(QUIET_MS);

		expect.soft(summary(revokedSaw), 'changes sent to the revoked token').toEqual([]);
		expect.soft(readField(revokedDoc, 'name')).not.toBe('After revoking');
		const reply = await strayEdit(revoked.socket, id);
		expect.soft(reply?.ok ?? false, 'an edit with the revoked token acked ok').toBe(false);
		expect.soft((await stored(shared, id)).score).not.toBe(9_999);
	});

	it('stops sending a check-in member a field once its check-in access is set to none', async () => {
		const fixture = await createSheetFixture(context, 2);
		const id = fixture.recordIds[0]!;
		const scope = {
			context,
			actor: fixture.owner.actor,
			space: fixture.space.slug,
			type: SHEET
		};
		await addAttribute({
			...scope,
			input: { name: 'Badge', key: 'badge', kind: 'text', checkinAccess: 'read' }
		});
		const door = await createUser(context, 'Door');
		await addMember(context, fixture.owner, fixture.space.id, door, 'checkin');
		const doorToken = await createApiToken({
			context,
			actor: door.actor,
			space: fixture.space.slug,
			input: { name: 'door socket', role: 'checkin' }
		});
		const doorClient = await client(fixture, doorToken.secret);
		const owner = await client(fixture, fixture.tokens.owner);
		const doorSaw = collect(doorClient);
		const ownerSaw = collect(owner);

		// A check-in member sees check-in fields only: the badge, not the notes.
		await restEdit(fixture, id, { badge: 'B-1', notes: 'Staff only' });
		await until(() => carries(doorSaw, id, 'badge', 'B-1'), 5_000, 'the door to see the badge');
		expect(doorSaw.some((change) => 'notes' in change.values)).toBe(false);

		await updateAttribute({ ...scope, attribute: 'badge', input: { checkinAccess: 'none' } });
		await sleep(REVOCATION_GRACE_MS);
		doorSaw.length = 0;
		await restEdit(fixture, id, { badge: 'B-2-SECRET', name: 'Visible at the door' });
		await until(() => carries(ownerSaw, id, 'badge', 'B-2-SECRET'), 5_000, 'the owner');
		await sleep(QUIET_MS);

		const badges = doorSaw.filter((change) => 'badge' in change.values);
		expect
			.soft(summary(badges), 'changes carrying the hidden field to the check-in member')
			.toEqual([]);
		expect.soft(JSON.stringify(summary(doorSaw))).not.toContain('B-2-SECRET');
	});

	it('stops a removed member y-websocket connection from receiving updates', async () => {
		const { WebsocketProvider } = await import('y-websocket');
		const { WebSocket } = await import('ws');
		const fixture = await createSheetFixture(context, 2);
		const id = fixture.recordIds[0]!;
		const owner = await client(fixture, fixture.tokens.owner);
		const ownerSaw = collect(owner);
		const stock = new Y.Doc();
		const provider = new WebsocketProvider(server.url.replace('http', 'ws') + '/yjs', id, stock, {
			WebSocketPolyfill: WebSocket as never,
			params: { token: fixture.tokens.editor },
			disableBc: true
		});
		const closes: number[] = [];
		provider.on('connection-close', (event) => closes.push(event?.code ?? 0));
		try {
			await until(() => provider.synced, 10_000, 'the stock provider to sync');
			await restEdit(fixture, id, { name: 'Before removal' });
			await until(() => readField(stock, 'name') === 'Before removal', 5_000, 'the provider');

			await removeMember({
				context,
				actor: fixture.owner.actor,
				space: fixture.space.slug,
				userId: fixture.editor.id
			});
			await sleep(REVOCATION_GRACE_MS);
			await restEdit(fixture, id, { name: 'After removal' });
			await until(() => carries(ownerSaw, id, 'name', 'After removal'), 5_000, 'the owner');
			await sleep(QUIET_MS);

			expect
				.soft(readField(stock, 'name'), 'the removed member still received the edit')
				.not.toBe('After removal');
			expect.soft(closes.length, 'times the server closed the connection').toBeGreaterThan(0);
		} finally {
			provider.destroy();
		}
	});
});

describe('fault 2: an ok ack means the edit is stored, and nothing stored was erased', () => {
	/** The audit trail of one field of a record, oldest first. */
	const auditOf = (id: string, key: string) =>
		withActor(context.db.runtime, shared.owner.actor, async (tx) => {
			const result = await tx.query<{ old_value: unknown; new_value: unknown }>(
				`select old_value, new_value from audit_log
				  where entity_id = $1 and attribute_key = $2 order by id`,
				[id, key]
			);
			return result.rows;
		});

	it('does not ack ok an update that builds on an edit the server never got', async () => {
		const id = shared.recordIds[1]!;
		const raw = await openRaw(shared.tokens.editor, id);
		const first = await raw.send(raw.edit((fields) => fields.set('score', 1)));
		expect(first, 'the first edit (sanity)').toMatchObject({ ok: true });
		expect((await stored(shared, id)).score).toBe(1);

		// score = 2 stays local; score = 3 replaces it, so its update (only that transaction's)
		// is placed after and deletes an item the server has never seen: it cannot be applied.
		raw.edit((fields) => fields.set('score', 2));
		const third = await raw.send(raw.edit((fields) => fields.set('score', 3)));

		expect
			.soft(third.ok, `an update that could not be applied was acked ${JSON.stringify(third)}`)
			.toBe(false);
		expect.soft((await stored(shared, id)).score).toBe(1);
	});

	it('does not erase a stored value when an update deletes it but its replacement cannot be applied', async () => {
		const id = shared.recordIds[5]!;
		const raw = await openRaw(shared.tokens.editor, id);
		const first = await raw.send(raw.edit((fields) => fields.set('score', 1)));
		expect(first, 'the first edit (sanity)').toMatchObject({ ok: true });

		// A client that believes score = 2 reached the server sends what came after it: the
		// score = 3 item (which sits on score = 2) and the doc's delete set, which names score = 1
		// (deleted by score = 2, and on the server) as well as score = 2.
		raw.edit((fields) => fields.set('score', 2));
		const believed = Y.encodeStateVector(raw.doc);
		raw.edit((fields) => fields.set('score', 3));
		const reply = await raw.send(Y.encodeStateAsUpdate(raw.doc, believed));

		expect
			.soft(reply.ok, `an update that could not be applied was acked ${JSON.stringify(reply)}`)
			.toBe(false);
		expect.soft((await stored(shared, id)).score, 'the stored score').toBe(1);
		expect.soft(await auditOf(id, 'score')).not.toContainEqual({ old_value: 1, new_value: null });
	});

	it('answers a long text with a NUL character clearly, and the sender can go on editing', async () => {
		const id = shared.recordIds[2]!;
		const raw = await openRaw(shared.tokens.editor, id);
		const nul = await raw.send(
			raw.edit((fields) => {
				const notes = fields.get('notes') as Y.Text;
				notes.insert(notes.length, ' with a NUL \u0000 inside');
			})
		);
		// Either stored (Postgres text cannot hold NUL, so in some other form) or refused with a
		// code that says why; "unavailable" tells the client to retry the same bytes forever.
		const outcome = nul.ok ? 'stored' : nul.error.code;
		expect
			.soft(outcome, `the NUL edit was answered ${JSON.stringify(nul)}`)
			.not.toBe('unavailable');

		// A refusal must not leave the sender's doc poisoned: its next edit builds on the
		// refused one, as every later edit of a real client does.
		const next = await raw.send(raw.edit((fields) => fields.set('name', 'After the NUL')));
		expect.soft(next.ok, `the next edit was answered ${JSON.stringify(next)}`).toBe(true);
		expect.soft((await stored(shared, id)).name, 'the next edit, as stored').toBe('After the NUL');
	});
});

describe('fault 3: a record doc holds only its fields, and has a size cap', () => {
	it('refuses content under another root type and does not store it', async () => {
		const id = shared.recordIds[3]!;
		const raw = await openRaw(shared.tokens.editor, id);
		const before = await storedDocBytes(id);
		const junk = raw.edit((_fields, doc) => doc.getArray('junk').push(['j'.repeat(900_000)]));
		expect(junk.byteLength).toBeLessThan(MAX_UPDATE_BYTES);

		const reply = await raw.send(junk);

		expect
			.soft(reply.ok, `content outside "fields" was acked ${JSON.stringify(reply)}`)
			.toBe(false);
		const after = await storedDocBytes(id);
		expect(after - before, 'bytes the stored doc grew by').toBeLessThan(10_000);
		// A client opening the record later gets no junk either.
		const fresh = await openRaw(shared.tokens.owner, id);
		expect(fresh.doc.getArray('junk').length).toBe(0);
	});

	it('refuses with too_large once many small-enough updates would grow a doc past a few MB', async () => {
		const fixture = await createSheetFixture(context, 1);
		const id = fixture.recordIds[0]!;
		// Valid values only: long texts that take up to 1,000,000 characters, each filled with
		// 200,000 (short enough for the value index once compressed), four to an update. Every
		// update is under the per-update limit; only their sum is too much for one record.
		const FIELDS_PER_UPDATE = 4;
		const UPDATES = 8;
		const TEXT = 'e'.repeat(200_000);
		const essays = Array.from(
			{ length: FIELDS_PER_UPDATE * UPDATES },
			(_, index) => `essay_${index + 1}`
		);
		for (const key of essays) {
			await addAttribute({
				context,
				actor: fixture.owner.actor,
				space: fixture.space.slug,
				type: SHEET,
				input: { name: key, key, kind: 'long_text', options: { maxLength: 1_000_000 } }
			});
		}
		const raw = await openRaw(fixture.tokens.editor, id);
		const codes: (string | null)[] = [];
		for (let index = 0; index < UPDATES; index++) {
			const keys = essays.slice(index * FIELDS_PER_UPDATE, (index + 1) * FIELDS_PER_UPDATE);
			const update = raw.edit((fields) => {
				for (const key of keys) (fields.get(key) as Y.Text).insert(0, TEXT);
			});
			expect(update.byteLength).toBeLessThan(MAX_UPDATE_BYTES);
			codes.push(codeOf(await raw.send(update)));
		}

		// 6.4 MB were sent in updates of 800 KB: a cap of a few MB refuses the later ones.
		expect.soft(codes, 'the answers to the 8 updates (null: ok)').toContain('too_large');
		expect
			.soft(await storedDocBytes(id), 'the stored doc, in bytes')
			.toBeLessThanOrEqual(MAX_STORED_DOC_BYTES);
	});
});

describe('fault 4: the write limit is per user, not per socket', () => {
	it('acks no more edits from one user across many sockets than the per-user write limit', async () => {
		const fixture = await createSheetFixture(context, 10);
		const SOCKETS = 10;
		// Each socket alone stays under the user's limit and far under its own message budget.
		const EDITS_PER_SOCKET = 20;
		const raws = await Promise.all(
			fixture.recordIds.slice(0, SOCKETS).map((id) => openRaw(fixture.tokens.editor, id))
		);
		const replies = (
			await Promise.all(
				raws.map(async (raw) => {
					const answers: UpdateAck[] = [];
					for (let index = 0; index < EDITS_PER_SOCKET; index++) {
						answers.push(await raw.send(raw.edit((fields) => fields.set('score', 1_000 + index))));
					}
					return answers;
				})
			)
		).flat();

		const acked = replies.filter((reply) => reply.ok).length;
		const limited = replies.filter((reply) => codeOf(reply) === 'rate_limited').length;
		expect(
			acked,
			`${acked} of ${SOCKETS * EDITS_PER_SOCKET} edits acked; the user's limit is ${LIVE_EDITS_PER_MINUTE} a minute`
		).toBeLessThanOrEqual(LIVE_EDITS_PER_MINUTE);
		expect(limited).toBeGreaterThan(0);
	});
});

describe('fault 5: y-websocket presence carries the sender’s own identity only', () => {
	it('does not relay an awareness state naming another user to other stock clients', async () => {
		const { WebsocketProvider } = await import('y-websocket');
		const { WebSocket } = await import('ws');
		const id = shared.recordIds[4]!;
		const provider = (token: string) =>
			new WebsocketProvider(server.url.replace('http', 'ws') + '/yjs', id, new Y.Doc(), {
				WebSocketPolyfill: WebSocket as never,
				params: { token },
				disableBc: true
			});
		// The owner watches in one tab and shows up as herself in another; the editor claims to
		// be the owner. (No viewer: a viewer's provider gets a permission warning on sync.)
		const observer = provider(shared.tokens.owner);
		const honest = provider(shared.tokens.owner);
		const mallory = provider(shared.tokens.editor);
		// y-websocket reports a server's permission-denied message (a refusal) with console.warn.
		const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
		try {
			await until(
				() => observer.synced && mallory.synced && honest.synced,
				10_000,
				'the three providers to sync'
			);
			const malloryId = mallory.awareness.clientID;
			const claimed: unknown[] = [];
			observer.awareness.on('change', () => {
				const state = observer.awareness.getStates().get(malloryId) as
					{ user?: { id?: string } } | undefined;
				if (state?.user?.id === shared.owner.id) claimed.push(state);
			});

			mallory.awareness.setLocalState({ user: { id: shared.owner.id, name: 'Olivia' } });
			honest.awareness.setLocalState({ user: { id: shared.owner.id, name: 'Olivia (tab 2)' } });
			// Sanity: the observer does receive presence relayed from others.
			await until(
				() =>
					(
						observer.awareness.getStates().get(honest.awareness.clientID) as
							{ user?: { name?: string } } | undefined
					)?.user?.name === 'Olivia (tab 2)',
				5_000,
				"the observer to see the owner's other tab"
			);
			await sleep(QUIET_MS);

			expect(claimed, 'states naming the owner, sent by the editor, that the observer saw').toEqual(
				[]
			);
		} finally {
			warn.mockRestore();
			observer.destroy();
			mallory.destroy();
			honest.destroy();
		}
	});
});
