// The REST API over HTTP against the real built server: the flat record endpoint, the
// PostgREST-compatible collections, the OpenAPI document, tokens and every kind of bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '$lib/server/context';
import { createApiToken } from '$lib/server/auth/api-tokens';
import { withActor } from '$lib/server/db';
import { addAttribute } from '$lib/server/services/attributes';
import { createEntityType } from '$lib/server/services/entity-types';
import {
	addMember,
	bootTestApp,
	createSpace,
	createUser,
	stopTestApp,
	type TestUser
} from '../support/app';
import { startAppServer, type AppServer } from '../support/server';

let context: AppContext;
let server: AppServer;
let owner: TestUser;
let space: { id: string; slug: string };
let otherSpace: { id: string; slug: string };
let ownerToken: string;
let viewerToken: string;

const seed = [
	{ name: 'Ada', age: 36, city: 'London', status: 'Active' },
	{ name: 'Grace', age: 45, city: 'New York', status: 'Active' },
	{ name: 'Linus', age: 28, city: 'Helsinki', status: 'Inactive' },
	{ name: 'Margaret', age: null, city: 'Boston', status: 'Active' }
];

beforeAll(async () => {
	context = await bootTestApp();
	owner = await createUser(context, 'Rest Owner');
	const viewer = await createUser(context, 'Rest Viewer');
	const stranger = await createUser(context, 'Stranger');
	space = await createSpace(context, owner, 'Rest');
	otherSpace = await createSpace(context, stranger, 'Elsewhere');
	await addMember(context, owner, space.id, viewer, 'viewer');
	await createEntityType({
		context,
		actor: owner.actor,
		space: space.slug,
		input: { name: 'People' }
	});
	for (const input of [
		{ name: 'Name', kind: 'text', options: { maxLength: 100 } },
		{ name: 'Age', kind: 'number' },
		{ name: 'City', kind: 'text' },
		{
			name: 'Status',
			kind: 'single_select',
			options: {
				choices: [
					{ id: 'a', name: 'Active', color: 'green' },
					{ id: 'i', name: 'Inactive', color: 'gray' }
				]
			}
		}
	]) {
		await addAttribute({ context, actor: owner.actor, space: space.slug, type: 'people', input });
	}
	ownerToken = (
		await createApiToken({
			context,
			actor: owner.actor,
			space: space.slug,
			input: { name: 'owner', role: 'owner' }
		})
	).secret;
	viewerToken = (
		await createApiToken({
			context,
			actor: viewer.actor,
			space: space.slug,
			input: { name: 'viewer', role: 'viewer' }
		})
	).secret;
	server = await startAppServer();
	const created = await api('POST', '/rest/people', seed);
	expect(created.status).toBe(201);
}, 120_000);

afterAll(async () => {
	await server?.stop();
	await stopTestApp();
});

async function api(
	method: string,
	path: string,
	body?: unknown,
	headers: Record<string, string> = {},
	token = ownerToken
) {
	const response = await fetch(`${server.url}/api/spaces/${space.slug}${path}`, {
		method,
		headers: {
			authorization: `Bearer ${token}`,
			...(body === undefined ? {} : { 'content-type': 'application/json' }),
			...headers
		},
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	const text = await response.text();
	return {
		status: response.status,
		headers: response.headers,
		body: text ? JSON.parse(text) : undefined
	};
}

async function snapshot(): Promise<unknown> {
	return withActor(context.db.runtime, owner.actor, async (tx) => {
		const values = await tx.query(
			"select count(*)::int as n, md5(string_agg(coalesce(value_text, value_num::text, ''), ',' order by entity_id, attribute_id)) as h from eav_values where space_id = $1",
			[space.id]
		);
		const entities = await tx.query('select count(*)::int as n from entities where space_id = $1', [
			space.id
		]);
		return [values.rows[0], entities.rows[0]];
	});
}

describe('PostgREST collections', () => {
	it('reads with select, filters, order, limit, offset and an exact count', async () => {
		const page = await api(
			'GET',
			'/rest/people?select=name,age&age=gte.20&order=age.desc&limit=2&offset=0',
			undefined,
			{ prefer: 'count=exact' }
		);
		expect(page.status, JSON.stringify([...page.headers])).toBe(206);
		expect(page.headers.get('content-range')).toBe('0-1/3');
		expect(page.body).toEqual([
			{ name: 'Grace', age: 45 },
			{ name: 'Ada', age: 36 }
		]);
		const rest = await api(
			'GET',
			'/rest/people?select=name&age=gte.20&order=age.desc&offset=2',
			undefined,
			{ prefer: 'count=exact' }
		);
		expect(rest.body).toEqual([{ name: 'Linus' }]);
		expect(rest.headers.get('content-range')).toBe('2-2/3');
	});

	it('combines or/and/not and the in, like, ilike and is operators', async () => {
		const names = async (query: string) => {
			const response = await api('GET', `/rest/people?select=name&order=name.asc&${query}`);
			expect(response.status, `${query}: ${JSON.stringify(response.body)}`).toBe(200);
			return response.body.map((row: { name: string }) => row.name);
		};
		expect(await names('or=(age.lt.30,and(status.eq.Active,city.ilike.*york*))')).toEqual([
			'Grace',
			'Linus'
		]);
		expect(await names('city=in.(London,"New York")')).toEqual(['Ada', 'Grace']);
		expect(await names('name=like.*a*&name=not.like.A*')).toEqual(['Grace', 'Margaret']);
		expect(await names('age=is.null')).toEqual(['Margaret']);
		expect(await names('status=not.eq.Active')).toEqual(['Linus']);
		const ordered = await api('GET', '/rest/people?select=name&order=age.asc.nullsfirst');
		expect(ordered.body[0]).toEqual({ name: 'Margaret' });
	});

	it('creates, updates and deletes with filters and Prefer: return=representation', async () => {
		const created = await api(
			'POST',
			'/rest/people',
			[
				{ name: 'Temp A', city: 'Nowhere' },
				{ name: 'Temp B', city: 'Nowhere' }
			],
			{ prefer: 'return=representation' }
		);
		expect(created.status).toBe(201);
		expect(created.body).toEqual([
			expect.objectContaining({
				id: expect.any(String),
				name: 'Temp A',
				city: 'Nowhere',
				age: null
			}),
			expect.objectContaining({ name: 'Temp B' })
		]);
		const patched = await api(
			'PATCH',
			'/rest/people?city=eq.Nowhere',
			{ age: 50 },
			{ prefer: 'return=representation' }
		);
		expect(patched.status).toBe(200);
		expect(patched.body.map((row: { age: number }) => row.age)).toEqual([50, 50]);
		const quiet = await api('PATCH', '/rest/people?city=eq.Nowhere', { age: 51 });
		expect(quiet.status).toBe(204);
		const deleted = await api('DELETE', '/rest/people?city=eq.Nowhere');
		expect(deleted.status).toBe(204);
		expect((await api('GET', '/rest/people?city=eq.Nowhere')).body).toEqual([]);
	});

	it('answers bad input with PostgREST-shaped errors and leaves the database unchanged', async () => {
		const before = await snapshot();
		const cases: [string, string, unknown, number, string, RegExp][] = [
			['POST', '/rest/people', { name: 'X', unknown_field: 1 }, 400, 'PGRST204', /unknown_field/],
			['POST', '/rest/people', { name: 'X', age: 'abc' }, 400, '22P02', /Age/],
			['POST', '/rest/people', { name: 'X', status: 'Sleeping' }, 400, '22P02', /Status/],
			['POST', '/rest/people', { name: 'x'.repeat(101) }, 400, '22P02', /Name/],
			['POST', '/rest/people', [{ name: 'ok' }, { name: 'bad', age: 'abc' }], 400, '22P02', /Age/],
			['GET', '/rest/people?age=gtx.5', undefined, 400, 'PGRST100', /age/],
			['GET', '/rest/people?or=(age.lt.5', undefined, 400, 'PGRST100', /or/],
			['GET', '/rest/people?limit=5000', undefined, 400, 'PGRST103', /limit/i],
			['GET', '/rest/people?age=gt.abc', undefined, 400, 'PGRST100', /Age/],
			['PATCH', '/rest/people?name=eq.Ada', { age: 'old' }, 400, '22P02', /Age/],
			['PATCH', '/rest/people', { age: 1 }, 400, 'PGRST100', /filter/],
			['DELETE', '/rest/people', undefined, 400, 'PGRST100', /filter/]
		];
		for (const [method, path, body, status, code, message] of cases) {
			const response = await api(method, path, body);
			expect(response.status, `${method} ${path}`).toBe(status);
			expect(response.body, `${method} ${path}`).toMatchObject({
				code,
				message: expect.stringMatching(message)
			});
			expect(response.body).toHaveProperty('details');
			expect(response.body).toHaveProperty('hint');
		}
		expect(await snapshot()).toEqual(before);
	});

	it('keeps SQL-injection strings in every parameter as data', async () => {
		const before = await snapshot();
		const injection = encodeURIComponent("'; drop table eav_values; --");
		for (const path of [
			`/rest/people?name=eq.${injection}`,
			`/rest/people?select=${injection}`,
			`/rest/people?order=${injection}`,
			`/rest/people?${injection}=eq.1`,
			`/rest/people?limit=${injection}`,
			`/rest/people?search=${injection}`,
			`/rest/${injection}`
		]) {
			const response = await api('GET', path);
			expect([200, 400, 404], path).toContain(response.status);
			if (response.status === 200) expect(response.body).toEqual([]);
		}
		const forged = await fetch(`${server.url}/api/spaces/${injection}/rest/people`, {
			headers: { authorization: `Bearer ${ownerToken}` }
		});
		expect(forged.status).toBe(404);
		expect(await snapshot()).toEqual(before);
	});

	it('hides other spaces: a forged space id is not found', async () => {
		const response = await fetch(`${server.url}/api/spaces/${otherSpace.id}/rest/people`, {
			headers: { authorization: `Bearer ${ownerToken}` }
		});
		expect(response.status).toBe(404);
		expect(await response.json()).toMatchObject({ code: 'PGRST205' });
	});

	it('refuses writes with a viewer token and requests without credentials', async () => {
		const denied = await api('POST', '/rest/people', { name: 'Nope' }, {}, viewerToken);
		expect(denied.status).toBe(403);
		expect(denied.body).toMatchObject({ code: '42501' });
		expect(
			(await api('GET', '/rest/people?select=name&limit=1', undefined, {}, viewerToken)).status
		).toBe(200);
		const anonymous = await fetch(`${server.url}/api/spaces/${space.slug}/rest/people`);
		expect(anonymous.status).toBe(401);
		const bogus = await api('GET', '/rest/people', undefined, {}, 'rst_not-a-real-token');
		expect(bogus.status).toBe(401);
	});
});

describe('the flat record endpoint', () => {
	it('reads, patches and deletes one record keyed by attribute key', async () => {
		const [ada] = (await api('GET', '/rest/people?name=eq.Ada&select=id')).body;
		const headers = { authorization: `Bearer ${ownerToken}` };
		const read = await fetch(`${server.url}/api/data/entity/${ada.id}`, { headers });
		expect(await read.json()).toEqual({
			id: ada.id,
			type: 'people',
			name: 'Ada',
			age: 36,
			city: 'London',
			status: 'Active'
		});
		const patched = await fetch(`${server.url}/api/data/entity/${ada.id}`, {
			method: 'PATCH',
			headers: { ...headers, 'content-type': 'application/json' },
			body: JSON.stringify({ city: 'Cambridge' })
		});
		expect(await patched.json()).toMatchObject({ id: ada.id, city: 'Cambridge' });
		const bad = await fetch(`${server.url}/api/data/entity/${ada.id}`, {
			method: 'PATCH',
			headers: { ...headers, 'content-type': 'application/json' },
			body: JSON.stringify({ age: 'abc' })
		});
		expect(bad.status).toBe(400);
		expect(await bad.json()).toMatchObject({ code: 'INVALID_VALUE', field: 'age' });
		const temp = (
			await api('POST', '/rest/people', { name: 'Doomed' }, { prefer: 'return=representation' })
		).body[0];
		expect(
			(await fetch(`${server.url}/api/data/entity/${temp.id}`, { method: 'DELETE', headers }))
				.status
		).toBe(204);
		expect((await fetch(`${server.url}/api/data/entity/${temp.id}`, { headers })).status).toBe(404);
		expect((await fetch(`${server.url}/api/data/entity/not-a-uuid`, { headers })).status).toBe(404);
	});
});

describe('OpenAPI', () => {
	it('describes every type of the space as a collection', async () => {
		const response = await api('GET', '/openapi.json');
		expect(response.status).toBe(200);
		expect(response.body.openapi).toBe('3.1.0');
		expect(Object.keys(response.body.paths)).toContain('/rest/people');
		expect(response.body.components.schemas.people.properties).toMatchObject({
			age: expect.objectContaining({ type: ['number', 'null'] }),
			status: expect.objectContaining({ enum: ['Active', 'Inactive', null] })
		});
	});
});

describe('user fields', () => {
	it('take members of the space only, through REST and the records API', async () => {
		const outsider = await createUser(context, 'Not A Member');
		await createEntityType({
			context,
			actor: owner.actor,
			space: space.slug,
			input: { name: 'Shifts' }
		});
		for (const input of [
			{ name: 'Title', kind: 'text' },
			{ name: 'Lead', kind: 'user' }
		]) {
			await addAttribute({ context, actor: owner.actor, space: space.slug, type: 'shifts', input });
		}
		const refused = await api('POST', '/rest/shifts', { title: 'Night', lead: outsider.id });
		// PostgREST's shape: its code for a value the column refuses, the field in the message.
		expect(refused.status).toBe(400);
		expect(refused.body).toMatchObject({ code: '22P02' });
		expect(refused.body.message).toMatch(/^Lead: .* is not a member of this space/);

		// One bad value refuses the whole batch: nothing half-applied.
		const batch = await api('POST', '/rest/shifts', [
			{ title: 'Morning', lead: owner.id },
			{ title: 'Evening', lead: outsider.id }
		]);
		expect(batch.status).toBe(400);
		expect((await api('GET', '/rest/shifts?select=title')).body).toEqual([]);

		const made = await api(
			'POST',
			'/rest/shifts',
			{ title: 'Day', lead: owner.id },
			{ prefer: 'return=representation' }
		);
		expect(made.status).toBe(201);
		const id = made.body[0].id as string;
		const patched = await api('PATCH', `/rest/shifts?id=eq.${id}`, { lead: outsider.id });
		expect(patched.status).toBe(400);
		expect(patched.body.message).toMatch(/^Lead: /);

		const response = await fetch(`${server.url}/api/data/entity/${id}`, {
			method: 'PATCH',
			headers: { authorization: `Bearer ${ownerToken}`, 'content-type': 'application/json' },
			body: JSON.stringify({ lead: outsider.id })
		});
		expect(response.status).toBe(400);
		expect(await response.json()).toMatchObject({ code: 'INVALID_VALUE', field: 'lead' });
		expect((await api('GET', `/rest/shifts?id=eq.${id}&select=lead`)).body).toEqual([
			{ lead: owner.id }
		]);
	});
});
