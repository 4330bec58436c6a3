// What the record page reads and writes besides the record itself, against real Postgres and the
// realtime engine: history from the audit log (REST and live edits, with names), restore through
// the one write path, comments with @mentions, roles, tenant isolation, and bad input.
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealtimeClient } from '$lib/client/realtime';
import { fieldsOf, readField } from '$lib/domain/realtime/ydoc';
import type { AppContext } from '$lib/server/context';
import { withActor } from '$lib/server/db';
import { addComment, deleteComment, listComments } from '$lib/server/services/comments';
import { readHistory, restoreValue } from '$lib/server/services/history';
import { getRecord, updateRecords } from '$lib/server/services/records';
import { createEntityType } from '$lib/server/services/entity-types';
import { addAttribute } from '$lib/server/services/attributes';
import { createRecords } from '$lib/server/services/records';
import { bootTestApp, createSpace, createUser, stopTestApp, type TestUser } from '../support/app';
import {
	SHEET,
	connectClient,
	createSheetFixture,
	startRealtimeServer,
	until,
	type RealtimeServer,
	type SheetFixture
} from '../support/realtime';
import { startAppServer, type AppServer } from '../support/server';

let context: AppContext;
let fixture: SheetFixture;
let realtime: RealtimeServer;
let stranger: TestUser;
let strangerSpace: { id: string; slug: string };
let strangerRecord: string;
const clients: RealtimeClient[] = [];

async function live(role: 'owner' | 'editor' | 'viewer' = 'owner') {
	const client = await connectClient(realtime.url, fixture.tokens[role]);
	clients.push(client);
	return client;
}

const history = (actor: TestUser, id: string, query?: { before?: unknown; limit?: unknown }) =>
	readHistory({ context, actor: actor.actor, space: fixture.space.slug, id, query });

beforeAll(async () => {
	context = await bootTestApp();
	fixture = await createSheetFixture(context, 8);
	realtime = await startRealtimeServer(context);
	stranger = await createUser(context, 'Stranger Danger');
	strangerSpace = await createSpace(context, stranger, 'Elsewhere');
	await createEntityType({
		context,
		actor: stranger.actor,
		space: strangerSpace.slug,
		input: { name: 'Guests' }
	});
	await addAttribute({
		context,
		actor: stranger.actor,
		space: strangerSpace.slug,
		type: SHEET,
		input: { name: 'Name', kind: 'text' }
	});
	const created = await createRecords({
		context,
		actor: stranger.actor,
		space: strangerSpace.slug,
		type: SHEET,
		values: [{ name: 'Secret guest' }]
	});
	strangerRecord = created.created[0]!.id;
	await addComment({
		context,
		actor: stranger.actor,
		space: strangerSpace.slug,
		id: strangerRecord,
		input: { body: 'Nobody else may read this' }
	});
}, 60_000);

afterAll(async () => {
	for (const client of clients) client.close();
	await realtime?.close();
	await stopTestApp();
});

describe('history', () => {
	it('lists REST and realtime edits, newest first, with who made them and how', async () => {
		const id = fixture.recordIds[0]!;
		await updateRecords({
			context,
			actor: fixture.editor.actor,
			space: fixture.space.slug,
			type: SHEET,
			updates: [{ id, values: { score: 41 } }]
		});
		const owner = await live('owner');
		fieldsOf(await owner.openDoc(id)).set('name', 'Ada Lovelace');
		await owner.whenSettled();

		const { entries, nextCursor } = await history(fixture.viewer, id);
		expect(nextCursor).toBeNull();
		expect(entries.map((entry) => [entry.action, entry.field?.key ?? null])).toEqual([
			['update', 'name'],
			['update', 'score'],
			['create', null]
		]);
		expect(entries[0]).toMatchObject({
			actor: { id: fixture.owner.id, name: 'Live Owner' },
			via: 'realtime',
			field: { key: 'name', name: 'Name', kind: 'text' },
			oldValue: 'Guest 0',
			newValue: 'Ada Lovelace',
			edits: 1
		});
		expect(entries[1]).toMatchObject({
			actor: { name: 'Live Editor' },
			via: 'api',
			oldValue: 0,
			newValue: 41
		});
		expect(entries[2]).toMatchObject({ restoreId: null, newValue: { name: 'Guest 0' } });
		expect(Date.parse(entries[0]!.at)).toBeGreaterThanOrEqual(Date.parse(entries[1]!.at));
	});

	it('reads a run of typing in a long text as one entry, and pages through older ones', async () => {
		const id = fixture.recordIds[1]!;
		const editor = await live('editor');
		const text = fieldsOf(await editor.openDoc(id)).get('notes') as Y.Text;
		for (const typed of [' a', 'b', 'c']) {
			text.insert(text.length, typed);
			await editor.whenSettled();
		}
		await updateRecords({
			context,
			actor: fixture.owner.actor,
			space: fixture.space.slug,
			type: SHEET,
			updates: [{ id, values: { score: 7 } }]
		});

		const { entries } = await history(fixture.owner, id);
		expect(entries.map((entry) => entry.field?.key ?? 'create')).toEqual([
			'score',
			'notes',
			'create'
		]);
		const typing = entries[1]!;
		expect(typing).toMatchObject({ oldValue: 'Note 1', newValue: 'Note 1 abc', edits: 3 });
		expect(typing.restoreId).toBeLessThan(typing.id);

		const first = await history(fixture.owner, id, { limit: 1 });
		expect(first.entries.map((entry) => entry.field?.key)).toEqual(['score']);
		const second = await history(fixture.owner, id, { limit: 1, before: first.nextCursor });
		expect(second.entries[0]).toMatchObject({ field: { key: 'notes' }, edits: 3 });
		const third = await history(fixture.owner, id, { limit: 5, before: second.nextCursor });
		expect(third.entries.map((entry) => entry.action)).toEqual(['create']);
		expect(third.nextCursor).toBeNull();
	});
});

describe('restore', () => {
	it('writes the old value back through the write path: audited, stored and live', async () => {
		const id = fixture.recordIds[6]!;
		const editor = await live('editor');
		const doc = await editor.openDoc(id);
		fieldsOf(doc).set('name', 'Grace Hopper');
		await editor.whenSettled();
		const [renamed] = (await history(fixture.owner, id)).entries;
		expect(renamed).toMatchObject({ field: { key: 'name' }, newValue: 'Grace Hopper' });

		const { record } = await restoreValue({
			context,
			actor: fixture.owner.actor,
			space: fixture.space.slug,
			id,
			input: { field: 'name', auditId: renamed!.restoreId }
		});
		expect(record.name).toBe('Guest 6');
		expect((await getRecord({ context, actor: fixture.owner.actor, id })).name).toBe('Guest 6');
		await until(() => readField(doc, 'name') === 'Guest 6', 5_000, 'the restore to go live');

		const [restored] = (await history(fixture.owner, id)).entries;
		expect(restored).toMatchObject({
			actor: { name: 'Live Owner' },
			field: { key: 'name' },
			oldValue: 'Grace Hopper',
			newValue: 'Guest 6'
		});
		expect(restored!.id).toBeGreaterThan(renamed!.id);
	});

	it('restores a long text to before a run of typing, as an edit live docs merge', async () => {
		const id = fixture.recordIds[7]!;
		const editor = await live('editor');
		const text = fieldsOf(await editor.openDoc(id)).get('notes') as Y.Text;
		for (const typed of ['!', '!']) {
			text.insert(text.length, typed);
			await editor.whenSettled();
		}
		const [typing] = (await history(fixture.owner, id)).entries;
		expect(typing).toMatchObject({ field: { key: 'notes' }, edits: 2, newValue: 'Note 7!!' });
		await restoreValue({
			context,
			actor: fixture.owner.actor,
			space: fixture.space.slug,
			id,
			input: { field: 'notes', auditId: typing!.restoreId }
		});
		await until(() => text.toString() === 'Note 7', 5_000, 'the text to be restored');
	});

	it('lets a viewer read the history but not restore from it', async () => {
		const id = fixture.recordIds[2]!;
		await updateRecords({
			context,
			actor: fixture.editor.actor,
			space: fixture.space.slug,
			type: SHEET,
			updates: [{ id, values: { score: 1234 } }]
		});
		const [change] = (await history(fixture.viewer, id)).entries;
		expect(change).toMatchObject({ field: { key: 'score' }, newValue: 1234 });
		await expect(
			restoreValue({
				context,
				actor: fixture.viewer.actor,
				space: fixture.space.slug,
				id,
				input: { field: 'score', auditId: change!.restoreId }
			})
		).rejects.toMatchObject({ code: 'FORBIDDEN' });
		expect((await getRecord({ context, actor: fixture.owner.actor, id })).score).toBe(1234);
	});
});

describe('comments', () => {
	it('adds comments whose @names and @emails become mentions of members', async () => {
		const id = fixture.recordIds[2]!;
		const comment = await addComment({
			context,
			actor: fixture.editor.actor,
			space: fixture.space.slug,
			id,
			input: {
				body: `  Can @live owner check this with @${fixture.viewer.email}? Not @Stranger Danger.  `
			}
		});
		expect(comment).toMatchObject({
			body: `Can @live owner check this with @${fixture.viewer.email}? Not @Stranger Danger.`,
			author: { id: fixture.editor.id, name: 'Live Editor' },
			mentions: [
				{ id: fixture.owner.id, name: 'Live Owner' },
				{ id: fixture.viewer.id, name: 'Live Viewer' }
			],
			canDelete: true
		});

		const seenByViewer = await listComments({
			context,
			actor: fixture.viewer.actor,
			space: fixture.space.slug,
			id
		});
		expect(seenByViewer).toHaveLength(1);
		expect(seenByViewer[0]).toMatchObject({ id: comment.id, canDelete: false });
		const seenByOwner = await listComments({
			context,
			actor: fixture.owner.actor,
			space: fixture.space.slug,
			id
		});
		expect(seenByOwner[0]!.canDelete).toBe(true);
	});

	it('lets authors delete their own comments and owners any, nobody else', async () => {
		const id = fixture.recordIds[3]!;
		const add = (actor: TestUser, body: string) =>
			addComment({ context, actor: actor.actor, space: fixture.space.slug, id, input: { body } });
		const remove = (actor: TestUser, comment: string) =>
			deleteComment({ context, actor: actor.actor, space: fixture.space.slug, id, comment });
		const byViewer = await add(fixture.viewer, 'Viewers may comment too');
		const byEditor = await add(fixture.editor, 'Mine');

		await expect(remove(fixture.viewer, byEditor.id)).rejects.toMatchObject({
			code: 'FORBIDDEN',
			field: 'comment'
		});
		await remove(fixture.editor, byEditor.id);
		await remove(fixture.owner, byViewer.id);
		const left = await listComments({
			context,
			actor: fixture.owner.actor,
			space: fixture.space.slug,
			id
		});
		expect(left).toEqual([]);
	});
});

describe('tenant isolation', () => {
	it('shows nothing of another space, by service or by SQL as the runtime role', async () => {
		const id = fixture.recordIds[0]!;
		// Not a member: the space itself is not found.
		await expect(history(stranger, id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
		// Their own space, someone else's record id: the record is not found there.
		const inOwnSpace = { context, actor: stranger.actor, space: strangerSpace.slug, id };
		await expect(readHistory(inOwnSpace)).rejects.toMatchObject({
			code: 'NOT_FOUND',
			field: 'id'
		});
		await expect(listComments(inOwnSpace)).rejects.toMatchObject({ code: 'NOT_FOUND' });
		await expect(
			restoreValue({ ...inOwnSpace, input: { field: 'name', auditId: 1 } })
		).rejects.toMatchObject({ code: 'NOT_FOUND' });
		// And the other way round: members of this space cannot read the stranger's comments.
		await expect(
			listComments({
				context,
				actor: fixture.owner.actor,
				space: fixture.space.slug,
				id: strangerRecord
			})
		).rejects.toMatchObject({ code: 'NOT_FOUND' });

		const counts = await withActor(context.db.runtime, fixture.owner.actor, async (tx) => {
			const audit = await tx.query<{ count: number }>(
				'select count(*)::int as count from audit_log where entity_id = $1',
				[strangerRecord]
			);
			const comments = await tx.query<{ count: number }>(
				'select count(*)::int as count from comments where entity_id = $1',
				[strangerRecord]
			);
			return [audit.rows[0]!.count, comments.rows[0]!.count];
		});
		expect(counts).toEqual([0, 0]);
	});
});

describe('bad input', () => {
	it('names the field at fault', async () => {
		const id = fixture.recordIds[4]!;
		await updateRecords({
			context,
			actor: fixture.owner.actor,
			space: fixture.space.slug,
			type: SHEET,
			updates: [{ id, values: { score: 99 } }]
		});
		const scoreChange = (await history(fixture.owner, id)).entries[0]!;
		const restore = (input: unknown) =>
			restoreValue({ context, actor: fixture.owner.actor, space: fixture.space.slug, id, input });

		await expect(restore({})).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'field' });
		await expect(restore({ field: 'score', auditId: 'one' })).rejects.toMatchObject({
			field: 'auditId'
		});
		await expect(restore({ field: 'score', auditId: 999_999_999 })).rejects.toMatchObject({
			code: 'NOT_FOUND',
			field: 'auditId'
		});
		await expect(restore({ field: 'name', auditId: scoreChange.restoreId })).rejects.toMatchObject({
			code: 'INVALID_INPUT',
			field: 'field'
		});
		await expect(history(fixture.owner, id, { limit: 0 })).rejects.toMatchObject({
			field: 'limit'
		});
		await expect(history(fixture.owner, id, { before: 'soon' })).rejects.toMatchObject({
			field: 'before'
		});

		const comment = (body: unknown) =>
			addComment({
				context,
				actor: fixture.owner.actor,
				space: fixture.space.slug,
				id,
				input: { body }
			});
		await expect(comment('   ')).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'body' });
		await expect(comment('x'.repeat(10_001))).rejects.toMatchObject({ field: 'body' });
		await expect(comment(42)).rejects.toMatchObject({ field: 'body' });
		await expect(
			deleteComment({
				context,
				actor: fixture.owner.actor,
				space: fixture.space.slug,
				id,
				comment: 'not-an-id'
			})
		).rejects.toMatchObject({ code: 'NOT_FOUND', field: 'comment' });
	});
});

describe('over HTTP', () => {
	let app: AppServer;
	beforeAll(async () => {
		app = await startAppServer();
	}, 120_000);
	afterAll(() => app?.stop());

	const call = (role: 'owner' | 'viewer', path: string, init: RequestInit = {}) =>
		fetch(`${app.url}/api/spaces/${fixture.space.slug}/records/${path}`, {
			...init,
			headers: {
				authorization: `Bearer ${fixture.tokens[role]}`,
				'content-type': 'application/json'
			}
		});

	it('serves history, restore and comments with the same rules and named errors', async () => {
		const id = fixture.recordIds[5]!;
		await updateRecords({
			context,
			actor: fixture.owner.actor,
			space: fixture.space.slug,
			type: SHEET,
			updates: [{ id, values: { name: 'Renamed' } }]
		});
		const listed = await call('viewer', `${id}/history?limit=10`);
		expect(listed.status).toBe(200);
		const page = (await listed.json()) as { entries: { restoreId: number | null }[] };
		const restoreId = page.entries[0]!.restoreId;

		const refused = await call('viewer', `${id}/history/restore`, {
			method: 'POST',
			body: JSON.stringify({ field: 'name', auditId: restoreId })
		});
		expect(refused.status).toBe(403);
		const restored = await call('owner', `${id}/history/restore`, {
			method: 'POST',
			body: JSON.stringify({ field: 'name', auditId: restoreId })
		});
		expect(restored.status).toBe(200);
		expect(await restored.json()).toMatchObject({ id, name: 'Guest 5' });

		const bad = await call('owner', `${id}/history/restore`, {
			method: 'POST',
			body: JSON.stringify({ field: 'name' })
		});
		expect(bad.status).toBe(400);
		expect(await bad.json()).toMatchObject({ code: 'INVALID_INPUT', field: 'auditId' });

		const empty = await call('viewer', `${id}/comments`, {
			method: 'POST',
			body: JSON.stringify({ body: '' })
		});
		expect(empty.status).toBe(400);
		expect(await empty.json()).toMatchObject({ field: 'body' });
		// Commenting is a write: a viewer's token (read only) may not; the viewer signed in may.
		const readOnly = await call('viewer', `${id}/comments`, {
			method: 'POST',
			body: JSON.stringify({ body: 'From a script' })
		});
		expect(readOnly.status).toBe(403);
		expect((await readOnly.json()).message).toContain('"write" scope');
		const posted = await call('owner', `${id}/comments`, {
			method: 'POST',
			body: JSON.stringify({ body: 'Looks right to me, @Live Owner' })
		});
		expect(posted.status).toBe(201);
		const comment = (await posted.json()) as { id: string; mentions: { name: string }[] };
		expect(comment.mentions).toEqual([{ id: fixture.owner.id, name: 'Live Owner' }]);
		expect((await call('owner', `${id}/comments`)).status).toBe(200);
		const deleted = await call('owner', `${id}/comments/${comment.id}`, { method: 'DELETE' });
		expect(deleted.status).toBe(204);
		const missing = await call('owner', `${id}/comments/${comment.id}`, { method: 'DELETE' });
		expect(missing.status).toBe(404);
	});
});
