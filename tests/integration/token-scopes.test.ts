// API token scopes over HTTP against the real built server, and in the database itself: a token
// does what its scopes say and nothing more, whatever its role (issue 12, fault 1).
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '$lib/server/context';
import { createApiToken } from '$lib/server/auth/api-tokens';
import { addAttribute } from '$lib/server/services/attributes';
import { createEntityType } from '$lib/server/services/entity-types';
import {
	addMember,
	bootTestApp,
	createSpace,
	createUser,
	runtimeClient,
	stopTestApp,
	type TestUser
} from '../support/app';
import { startAppServer, type AppServer } from '../support/server';

let context: AppContext;
let server: AppServer;
let owner: TestUser;
let editor: TestUser;
let viewer: TestUser;
let space: { id: string; slug: string };

beforeAll(async () => {
	context = await bootTestApp();
	owner = await createUser(context, 'Scope Owner');
	editor = await createUser(context, 'Scope Editor');
	viewer = await createUser(context, 'Scope Viewer');
	space = await createSpace(context, owner, 'Scopes');
	await addMember(context, owner, space.id, editor, 'editor');
	await addMember(context, owner, space.id, viewer, 'viewer');
	await createEntityType({
		context,
		actor: owner.actor,
		space: space.slug,
		input: { name: 'People' }
	});
	await addAttribute({
		context,
		actor: owner.actor,
		space: space.slug,
		type: 'people',
		input: { name: 'Name', kind: 'text' }
	});
	server = await startAppServer();
}, 120_000);

afterAll(async () => {
	await server?.stop();
	await stopTestApp();
});

async function token(user: TestUser, role: string, scopes?: string[]) {
	return createApiToken({
		context,
		actor: user.actor,
		space: space.slug,
		input: { name: `${role} ${scopes?.join('+') ?? 'default'}`, role, ...(scopes && { scopes }) }
	});
}

async function api(secret: string, method: string, path: string, body?: unknown) {
	const response = await fetch(`${server.url}/api/spaces/${space.slug}${path}`, {
		method,
		headers: {
			authorization: `Bearer ${secret}`,
			...(body === undefined ? {} : { 'content-type': 'application/json' })
		},
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	const text = await response.text();
	return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

const openInvitations = async (email: string) =>
	(
		await context.db.owner.query(
			'select 1 from invitations where space_id = $1 and lower(email) = lower($2)',
			[space.id, email]
		)
	).rowCount;

describe('an owner token without the members scope', () => {
	it('cannot invite a new owner, change roles or remove members', async () => {
		const { secret } = await token(owner, 'owner', ['read', 'write', 'schema']);
		const email = `accomplice.${Date.now()}@example.test`;
		const invited = await api(secret, 'POST', '/members', { email, role: 'owner' });
		expect(invited.status).toBe(403);
		expect(invited.body).toMatchObject({ code: 'FORBIDDEN' });
		expect(invited.body.message).toMatch(/"members" scope/);
		expect(await openInvitations(email)).toBe(0);

		const demoted = await api(secret, 'PATCH', `/members/${editor.id}`, { role: 'viewer' });
		expect(demoted.status).toBe(403);
		expect(demoted.body.message).toMatch(/"members" scope/);
		const removed = await api(secret, 'DELETE', `/members/${viewer.id}`);
		expect(removed.status).toBe(403);
		const { rows } = await context.db.owner.query<{ user_id: string; role: string }>(
			'select user_id, role from memberships where space_id = $1 order by role',
			[space.id]
		);
		expect(rows).toEqual(
			expect.arrayContaining([
				{ user_id: editor.id, role: 'editor' },
				{ user_id: viewer.id, role: 'viewer' }
			])
		);
	});

	it('is what an owner token gets when it names no scopes', async () => {
		const created = await token(owner, 'owner');
		expect(created.scopes).toEqual(['read', 'write', 'schema']);
		const invited = await api(created.secret, 'POST', '/members', {
			email: `default.${Date.now()}@example.test`,
			role: 'viewer'
		});
		expect(invited.status).toBe(403);
	});
});

describe('an owner token with the members scope', () => {
	it('invites, and lists its scopes', async () => {
		const created = await token(owner, 'owner', ['read', 'members']);
		expect(created.scopes).toEqual(['read', 'members']);
		const email = `welcome.${Date.now()}@example.test`;
		const invited = await api(created.secret, 'POST', '/members', { email, role: 'viewer' });
		expect(invited.status).toBe(201);
		expect(await openInvitations(email)).toBe(1);
	});
});

describe('a read-only token of an editor', () => {
	it('reads, but cannot write through REST or the records API', async () => {
		const { secret: writer } = await token(editor, 'editor', ['read', 'write']);
		const made = await api(writer, 'POST', '/rest/people', { name: 'Ada' });
		expect(made.status).toBe(201);
		const found = await api(writer, 'GET', '/rest/people?name=eq.Ada&select=id');
		const id = found.body[0].id as string;

		const { secret } = await token(editor, 'editor', ['read']);
		const read = await api(secret, 'GET', '/rest/people?select=name');
		expect(read.status).toBe(200);
		expect(read.body).toEqual(expect.arrayContaining([{ name: 'Ada' }]));

		const posted = await api(secret, 'POST', '/rest/people', { name: 'Mallory' });
		expect(posted.status).toBe(403);
		expect(posted.body.message).toMatch(/"write" scope/);
		const patched = await api(secret, 'PATCH', `/rest/people?id=eq.${id}`, { name: 'Mallory' });
		expect(patched.status).toBe(403);
		const response = await fetch(`${server.url}/api/data/entity/${id}`, {
			method: 'PATCH',
			headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
			body: JSON.stringify({ name: 'Mallory' })
		});
		expect(response.status).toBe(403);
		expect((await response.json()).message).toMatch(/"write" scope/);
		const after = await api(secret, 'GET', `/rest/people?id=eq.${id}&select=name`);
		expect(after.body).toEqual([{ name: 'Ada' }]);
	});
});

describe('a token without the schema scope', () => {
	it('writes records but cannot add a field, type or view', async () => {
		const { secret } = await token(editor, 'editor', ['read', 'write']);
		const field = await api(secret, 'POST', '/types/people/fields', {
			name: 'Age',
			kind: 'number'
		});
		expect(field.status).toBe(403);
		expect(field.body).toMatchObject({ code: 'FORBIDDEN' });
		expect(field.body.message).toMatch(/"schema" scope/);
		const type = await api(secret, 'POST', '/types', { name: 'Sneaky' });
		expect(type.status).toBe(403);
		const view = await api(secret, 'POST', '/types/people/views', { name: 'Mine' });
		expect(view.status).toBe(403);

		const { secret: schemaToken } = await token(editor, 'editor', ['read', 'schema']);
		const added = await api(schemaToken, 'POST', '/types/people/fields', {
			name: 'Age',
			kind: 'number'
		});
		expect(added.status).toBe(201);
	});
});

describe('webhooks', () => {
	it('are managed by a signed-in owner only, never a token', async () => {
		const { secret } = await token(owner, 'owner', ['read', 'write', 'schema', 'members']);
		const created = await api(secret, 'POST', '/webhooks', {
			url: 'https://example.test/hook',
			events: ['record.created']
		});
		expect(created.status).toBe(403);
		expect(created.body.message).toMatch(/sign in/i);
	});
});

describe('choosing scopes', () => {
	it('refuses scopes the role cannot have, unknown scopes and a token without read', async () => {
		const attempt = (user: TestUser, role: string, scopes: unknown) =>
			createApiToken({
				context,
				actor: user.actor,
				space: space.slug,
				input: { name: 'bad', role, scopes }
			});
		await expect(attempt(editor, 'editor', ['read', 'members'])).rejects.toMatchObject({
			code: 'FORBIDDEN',
			field: 'scopes'
		});
		await expect(attempt(viewer, 'viewer', ['read', 'write'])).rejects.toMatchObject({
			field: 'scopes'
		});
		await expect(attempt(owner, 'viewer', ['read', 'schema'])).rejects.toMatchObject({
			field: 'scopes'
		});
		for (const scopes of [['read', 'sudo'], 'read', [], ['write']]) {
			await expect(attempt(owner, 'owner', scopes)).rejects.toMatchObject({
				code: 'INVALID_INPUT',
				field: 'scopes'
			});
		}
	});
});

describe('in the database', () => {
	async function asToken<T extends pg.QueryResultRow>(
		user: TestUser,
		role: string,
		scopes: string,
		sql: string,
		params: unknown[] = []
	) {
		const client = await runtimeClient(context);
		try {
			await client.query('begin');
			await client.query(
				`select set_config('app.current_user_id', $1, true), set_config('app.token_space', $2, true),
				        set_config('app.token_role', $3, true), set_config('app.token_scopes', $4, true)`,
				[user.id, space.id, role, scopes]
			);
			const result = await client.query<T>(sql, params);
			await client.query('commit');
			return result.rows;
		} finally {
			await client.end();
		}
	}

	it('refuses member and invitation changes by a token without the members scope', async () => {
		const stranger = await createUser(context, 'Stranger');
		const asOwnerToken = (sql: string, params: unknown[] = []) =>
			asToken(owner, 'owner', '{read,write,schema}', sql, params);
		await expect(
			asOwnerToken(
				`insert into invitations (space_id, email, role, token_hash) values ($1, 'x@example.test', 'owner', $2)`,
				[space.id, `raw-${Date.now()}`]
			)
		).rejects.toThrow(/row-level security|permission denied/);
		await expect(
			asOwnerToken(`select app_invite($1, 'y@example.test', 'owner', $2)`, [
				space.id,
				`raw-${Date.now()}`
			])
		).rejects.toThrow(/members/);
		await expect(
			asOwnerToken(`insert into memberships (space_id, user_id, role) values ($1, $2, 'owner')`, [
				space.id,
				stranger.id
			])
		).rejects.toThrow(/row-level security|permission denied/);
		expect(
			await asOwnerToken(`update memberships set role = 'owner' where space_id = $1 returning 1`, [
				space.id
			])
		).toEqual([]);
		expect(
			await asOwnerToken(
				`delete from memberships where space_id = $1 and user_id = $2 returning 1`,
				[space.id, viewer.id]
			)
		).toEqual([]);
		// With the scope the same token may manage invitations (memberships still come only from
		// an invitation the invitee accepts).
		const invited = await asToken(
			owner,
			'owner',
			'{read,members}',
			'select app_invite($1, $2, $3, $4) as id',
			[space.id, `z.${Date.now()}@example.test`, 'viewer', `raw-${Date.now()}`]
		);
		expect(invited).toHaveLength(1);
	});

	it('treats a read-only token as a viewer, whatever its role', async () => {
		const [type] = await asToken<{ id: string }>(
			editor,
			'editor',
			'{read}',
			"select id from entity_types where key = 'people'"
		);
		await expect(
			asToken(
				editor,
				'editor',
				'{read}',
				'insert into entities (space_id, entity_type_id, seq) values ($1, $2, 999)',
				[space.id, type!.id]
			)
		).rejects.toThrow(/row-level security/);
	});
});
