// Signals and the inbox against the real database: each person's signal stream hears comment
// counts, schema changes and their own inbox count, and nothing of spaces, fields or inboxes
// that are not theirs; mentions, assignments and changes to followed records notify, gathered
// per record and author; the policies keep every inbox to its owner.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '$lib/server/auth/actor';
import type { AppContext } from '$lib/server/context';
import { withActor } from '$lib/server/db';
import { addAttribute } from '$lib/server/services/attributes';
import { addComment, countComments, deleteComment } from '$lib/server/services/comments';
import { createEntityType } from '$lib/server/services/entity-types';
import { isFollowing, setFollowing } from '$lib/server/services/follows';
import { listInbox, markRead } from '$lib/server/services/notifications';
import { createRecords, updateRecords } from '$lib/server/services/records';
import { followSignals } from '$lib/server/services/signal-stream';
import { respondWithEvents } from '$lib/server/transports/sse';
import {
	addMember,
	bootTestApp,
	createSpace,
	createUser,
	stopTestApp,
	type TestUser
} from '../support/app';
import { SseReader, type SseFrame } from '../support/sse';

let context: AppContext;
let owner: TestUser;
let editor: TestUser;
let door: TestUser;
let stranger: TestUser;
let space: { id: string; slug: string };
let recordId: string;
const readers: SseReader[] = [];

async function listen(actor: Actor): Promise<SseReader> {
	const abort = new AbortController();
	const response = await respondWithEvents({
		signal: abort.signal,
		start: (sink) => followSignals({ context, actor, sink })
	});
	expect(response.status).toBe(200);
	const reader = new SseReader(response, abort);
	readers.push(reader);
	await reader.until((frame) => frame.event === 'inbox');
	return reader;
}

const unreadOf = (frame: SseFrame) => (JSON.parse(frame.data!) as { unread: number }).unread;
const lastUnread = (reader: SseReader) =>
	unreadOf(reader.frames.filter((frame) => frame.event === 'inbox').at(-1)!);
const eventually = <T>(read: () => T) => expect.poll(read, { timeout: 10_000, interval: 50 });

beforeAll(async () => {
	context = await bootTestApp();
	owner = await createUser(context, 'Signal Owner');
	editor = await createUser(context, 'Signal Editor');
	door = await createUser(context, 'Signal Door');
	stranger = await createUser(context, 'Signal Stranger');
	space = await createSpace(context, owner, 'Signals');
	await addMember(context, owner, space.id, editor, 'editor');
	await addMember(context, owner, space.id, door, 'checkin');
	await createSpace(context, stranger, 'Elsewhere');
	const scope = { context, actor: owner.actor, space: space.slug };
	await createEntityType({ ...scope, input: { name: 'Tasks' } });
	for (const input of [
		{ name: 'Title', kind: 'text', checkinAccess: 'read' },
		{ name: 'Status', kind: 'text' },
		{ name: 'Assignee', kind: 'user' }
	]) {
		await addAttribute({ ...scope, type: 'tasks', input });
	}
	const created = await createRecords({
		...scope,
		type: 'tasks',
		values: [{ title: 'Build the stage' }]
	});
	recordId = created.created[0]!.id;
}, 60_000);

afterAll(async () => {
	for (const reader of readers) await reader.close();
	await stopTestApp();
});

describe('comment signals', () => {
	it('tell readers of the space the record’s new count, and nobody else', async () => {
		const editorStream = await listen(editor.actor);
		const doorStream = await listen(door.actor);
		const strangerStream = await listen(stranger.actor);
		const at = { door: doorStream.frames.length, stranger: strangerStream.frames.length };

		const comment = await addComment({
			context,
			actor: owner.actor,
			space: space.slug,
			id: recordId,
			input: { body: 'Who brings the cables?' }
		});
		const [signal] = (await editorStream.until((frame) => frame.event === 'comments')).slice(-1);
		expect(JSON.parse(signal!.data!)).toMatchObject({ recordId, count: 1, spaceId: space.id });
		expect(
			await countComments({
				context,
				actor: editor.actor,
				space: space.slug,
				input: { ids: [recordId] }
			})
		).toEqual({ [recordId]: 1 });

		await deleteComment({
			context,
			actor: owner.actor,
			space: space.slug,
			id: recordId,
			comment: comment.id
		});
		await eventually(() =>
			editorStream.frames
				.filter((frame) => frame.event === 'comments')
				.map((frame) => JSON.parse(frame.data!).count)
		).toEqual([1, 0]);
		// Door staff read no comments; a stranger has no part in the space.
		const seen = (reader: SseReader, from: number) =>
			reader.frames.slice(from).filter((frame) => frame.event === 'comments');
		expect(seen(doorStream, at.door)).toEqual([]);
		expect(seen(strangerStream, at.stranger)).toEqual([]);
	});

	it('refuse a bad list of ids with a coded error naming the field', async () => {
		await expect(
			countComments({ context, actor: editor.actor, space: space.slug, input: { ids: ['x'] } })
		).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'ids.0' });
	});
});

describe('schema signals', () => {
	it('reach every member, naming only the space, even for a field hidden from their role', async () => {
		const doorStream = await listen(door.actor);
		const strangerStream = await listen(stranger.actor);
		const from = strangerStream.frames.length;
		await addAttribute({
			context,
			actor: owner.actor,
			space: space.slug,
			type: 'tasks',
			input: { name: 'Secret fee', kind: 'number', checkinAccess: 'none' }
		});
		const [signal] = (await doorStream.until((frame) => frame.event === 'schema')).slice(-1);
		expect(JSON.parse(signal!.data!)).toEqual({ spaceId: space.id });
		expect(doorStream.frames.map((frame) => frame.data ?? '').join('')).not.toMatch(/secret|fee/i);
		expect(strangerStream.frames.slice(from).some((frame) => frame.event === 'schema')).toBe(false);
	});
});

describe('the inbox', () => {
	it('counts a mention, an assignment and changes to a followed record, live', async () => {
		const stream = await listen(editor.actor);
		const ownerStream = await listen(owner.actor);
		const base = lastUnread(stream);

		await addComment({
			context,
			actor: owner.actor,
			space: space.slug,
			id: recordId,
			input: { body: '@Signal Editor can you take this?' }
		});
		await eventually(() => lastUnread(stream)).toBe(base + 1);

		await updateRecords({
			context,
			actor: owner.actor,
			space: space.slug,
			type: 'tasks',
			updates: [{ id: recordId, values: { assignee: editor.id } }]
		});
		await eventually(() => lastUnread(stream)).toBe(base + 2);

		// The editor follows; two changes by the owner gather into one unread item.
		await setFollowing({
			context,
			actor: editor.actor,
			space: space.slug,
			id: recordId,
			isFollowing: true
		});
		for (const status of ['Doing', 'Done']) {
			await updateRecords({
				context,
				actor: owner.actor,
				space: space.slug,
				type: 'tasks',
				updates: [{ id: recordId, values: { status } }]
			});
		}
		await eventually(() => lastUnread(stream)).toBe(base + 3);
		const inbox = await listInbox({ context, actor: editor.actor });
		expect(inbox.unread).toBe(base + 3);
		expect(inbox.items.slice(0, 3).map((item) => [item.kind, item.summary])).toEqual([
			['change', 'Status'],
			['assigned', 'Assignee'],
			['mention', '@Signal Editor can you take this?']
		]);
		expect(inbox.items[0]).toMatchObject({
			record: { id: recordId, title: 'Build the stage' },
			type: { key: 'tasks', name: 'Tasks' },
			space: { slug: space.slug },
			actor: { id: owner.id, name: 'Signal Owner' },
			isRead: false
		});
		// The owner caused all of it and was told of none.
		expect(lastUnread(ownerStream)).toBe(0);

		expect(await markRead({ context, actor: editor.actor, input: { all: true } })).toEqual({
			unread: 0
		});
		await eventually(() => lastUnread(stream)).toBe(0);
	});

	it('has commenting follow the record, and unfollowing stop its changes', async () => {
		expect(
			await isFollowing({ context, actor: owner.actor, space: space.slug, id: recordId })
		).toBe(true);
		await setFollowing({
			context,
			actor: editor.actor,
			space: space.slug,
			id: recordId,
			isFollowing: false
		});
		const before = (await listInbox({ context, actor: editor.actor })).unread;
		await updateRecords({
			context,
			actor: owner.actor,
			space: space.slug,
			type: 'tasks',
			updates: [{ id: recordId, values: { status: 'Reopened' } }]
		});
		expect((await listInbox({ context, actor: editor.actor })).unread).toBe(before);
		// The owner follows since commenting: the editor's change reaches them.
		await updateRecords({
			context,
			actor: editor.actor,
			space: space.slug,
			type: 'tasks',
			updates: [{ id: recordId, values: { status: 'Checked' } }]
		});
		const ownerInbox = await listInbox({ context, actor: owner.actor });
		expect(ownerInbox.items[0]).toMatchObject({ kind: 'change', actor: { id: editor.id } });
	});

	it('is its owner’s alone, whatever SQL another member runs', async () => {
		const seen = await withActor(context.db.runtime, owner.actor, async (tx) => {
			const { rows } = await tx.query('select id from notifications where user_id = $1', [
				editor.id
			]);
			const updated = await tx.query('update notifications set read_at = null where user_id = $1', [
				editor.id
			]);
			return { rows: rows.length, updated: updated.rowCount };
		});
		expect(seen).toEqual({ rows: 0, updated: 0 });
		await expect(
			withActor(context.db.runtime, owner.actor, (tx) =>
				tx.query(
					`insert into notifications (space_id, user_id, kind, entity_id, entity_type_id, actor_id)
					 select space_id, $1, 'mention', id, entity_type_id, $2 from entities where id = $3`,
					[editor.id, editor.id, recordId]
				)
			)
		).rejects.toThrow(/row-level security|policy/i);
		await expect(
			markRead({ context, actor: editor.actor, input: { ids: ['nope'] } })
		).rejects.toMatchObject({ code: 'INVALID_INPUT' });
	});
});

describe('a lost listener', () => {
	it('ends the streams once it listens again, so pages read again what they missed', async () => {
		const reader = await listen(editor.actor);
		// Cut this process's LISTEN connection, as a Postgres restart or a network blip would.
		const { rows } = await context.db.owner.query<{ pid: number }>(
			`select pid from pg_stat_activity
			  where datname = current_database() and query = 'listen roster_signals'`
		);
		expect(rows.length).toBeGreaterThan(0);
		await context.db.owner.query('select pg_terminate_backend(pid) from unnest($1::int[]) pid', [
			rows.map((row) => row.pid)
		]);
		// A signal sent while nobody listened is lost; the stream must not carry on as if whole.
		await Promise.race([
			reader.ended,
			new Promise((_, reject) => setTimeout(() => reject(new Error('the stream went on')), 10_000))
		]);
		// Listening again: a new stream hears signals as before.
		const again = await listen(editor.actor);
		await addComment({
			context,
			actor: owner.actor,
			space: space.slug,
			id: recordId,
			input: { body: 'After the gap' }
		});
		await again.until((frame) => frame.event === 'comments');
	});
});
