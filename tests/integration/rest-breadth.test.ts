// PostgREST's wider grammar over HTTP against the real built server: resource embedding through
// link fields, aliases and casts, singular responses, the full-text and array operators,
// upsert with on_conflict, CSV in and out, the OpenAPI root, and every refusal coded and
// leaving the database as it was. Requests are shaped as @supabase/postgrest-js sends them
// (its select/order/filter URL, `Accept: application/vnd.pgrst.object+json` for .single(),
// `Prefer: resolution=...` with `on_conflict` for .upsert()).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '$lib/server/context';
import { createApiToken } from '$lib/server/auth/api-tokens';
import { withActor } from '$lib/server/db';
import {
	addMember,
	bootTestApp,
	createSpace,
	createUser,
	stopTestApp,
	type TestUser
} from '../support/app';
import { conferenceRecords, createConferenceTypes } from '../support/rest-conference';
import { startAppServer, type AppServer } from '../support/server';

let context: AppContext;
let server: AppServer;
let owner: TestUser;
let space: { id: string; slug: string };
let ownerToken: string;
let viewerToken: string;
const ids: Record<string, string> = {};

const SINGULAR = 'application/vnd.pgrst.object+json';

async function api(
	method: string,
	path: string,
	options: { body?: unknown; csv?: string; headers?: Record<string, string>; token?: string } = {}
) {
	const response = await fetch(`${server.url}/api/spaces/${space.slug}${path}`, {
		method,
		headers: {
			authorization: `Bearer ${options.token ?? ownerToken}`,
			...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
			...(options.csv !== undefined ? { 'content-type': 'text/csv' } : {}),
			...options.headers
		},
		body: options.csv ?? (options.body === undefined ? undefined : JSON.stringify(options.body))
	});
	const text = await response.text();
	const isJson = (response.headers.get('content-type') ?? '').includes('json');
	return {
		status: response.status,
		headers: response.headers,
		body: text && isJson ? JSON.parse(text) : text
	};
}

async function snapshot(): Promise<unknown> {
	return withActor(context.db.runtime, owner.actor, async (tx) => {
		const { rows } = await tx.query(
			`select count(*)::int as n,
			        md5(string_agg(coalesce(value_text, value_num::text, value_json::text, ''), ',' order by entity_id, attribute_id)) as h,
			        (select count(*)::int from entities where space_id = $1) as entities
			   from eav_values where space_id = $1`,
			[space.id]
		);
		return rows[0];
	});
}

/** Creates the records and keeps their ids in `ids` under `names`, in order. */
async function create(
	type: string,
	names: string[],
	values: Record<string, unknown>[]
): Promise<void> {
	const response = await api('POST', `/rest/${type}`, {
		body: values,
		headers: { prefer: 'return=representation' }
	});
	expect(response.status, JSON.stringify(response.body)).toBe(201);
	response.body.forEach((row: { id: string }, index: number) => (ids[names[index]!] = row.id));
}

beforeAll(async () => {
	context = await bootTestApp();
	owner = await createUser(context, 'Breadth Owner');
	const viewer = await createUser(context, 'Breadth Viewer');
	space = await createSpace(context, owner, 'Breadth');
	await addMember(context, owner, space.id, viewer, 'viewer');
	await createConferenceTypes(context, owner, space.slug);
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

	for (const { type, keys, rows } of conferenceRecords) await create(type, keys, rows(ids));
}, 180_000);

afterAll(async () => {
	await server?.stop();
	await stopTestApp();
});

describe('resource embedding through link fields', () => {
	it('embeds to-one forward, with aliases on both levels', async () => {
		const response = await api(
			'GET',
			'/rest/attendees?select=who:name,customer(name,town:city)&order=name'
		);
		expect(response.status, JSON.stringify(response.body)).toBe(200);
		expect(response.body).toEqual([
			{ who: 'Ada', customer: { name: 'Acme', town: 'Berlin' } },
			{ who: 'Grace', customer: { name: 'Acme', town: 'Berlin' } },
			{ who: 'Linus', customer: { name: 'Globex', town: 'Paris' } }
		]);
	});

	it('embeds to-many forward in link order, and reverse by the type that links here', async () => {
		const forward = await api('GET', '/rest/sessions?select=title,speakers(name)&order=title');
		expect(forward.body).toEqual([
			{ title: 'Keynote', speakers: [{ name: 'Grace' }, { name: 'Ada' }] },
			{ title: 'Panel', speakers: [{ name: 'Linus' }] }
		]);
		const reverse = await api(
			'GET',
			'/rest/customers?select=name,attendees(name)&order=name&attendees.order=name.desc'
		);
		expect(reverse.body).toEqual([
			{ name: 'Acme', attendees: [{ name: 'Grace' }, { name: 'Ada' }] },
			{ name: 'Globex', attendees: [{ name: 'Linus' }] }
		]);
	});

	it('nests embeds, and takes filters, order, limit and offset on the embedded resource', async () => {
		const nested = await api(
			'GET',
			`/rest/sessions?select=title,speakers(name,customer(name))&id=eq.${ids.keynote}`
		);
		expect(nested.body).toEqual([
			{
				title: 'Keynote',
				speakers: [
					{ name: 'Grace', customer: { name: 'Acme' } },
					{ name: 'Ada', customer: { name: 'Acme' } }
				]
			}
		]);
		const narrowed = await api(
			'GET',
			'/rest/customers?select=name,attendees(name)&order=name&attendees.score=gte.8&attendees.order=score&attendees.limit=1&attendees.offset=1'
		);
		expect(narrowed.body).toEqual([
			{ name: 'Acme', attendees: [{ name: 'Ada' }] },
			{ name: 'Globex', attendees: [] }
		]);
		// Without !inner, a filtered-out to-one embed is null and the parent stays.
		const filtered = await api(
			'GET',
			'/rest/attendees?select=name,customer(name)&customer.city=eq.Paris&order=name'
		);
		expect(filtered.body).toEqual([
			{ name: 'Ada', customer: null },
			{ name: 'Grace', customer: null },
			{ name: 'Linus', customer: { name: 'Globex' } }
		]);
	});

	it('keeps only parents with a match under !inner, in the page and in the count', async () => {
		const response = await api(
			'GET',
			'/rest/attendees?select=name,customer!inner(name)&customer.city=eq.Berlin&order=name&limit=1',
			{ headers: { prefer: 'count=exact' } }
		);
		expect(response.body).toEqual([{ name: 'Ada', customer: { name: 'Acme' } }]);
		expect(response.headers.get('content-range')).toBe('0-0/2');
		const reverse = await api(
			'GET',
			'/rest/customers?select=name,attendees!inner()&attendees.tags=cs.{press}'
		);
		// An embed that selects nothing only filters, and is left out of the row.
		expect(reverse.body).toEqual([{ name: 'Globex' }]);
	});

	it('spreads a to-one embed into the row, and takes a link hint', async () => {
		const spread = await api(
			'GET',
			'/rest/attendees?select=name,...customer(company:name,city)&order=name&limit=1'
		);
		expect(spread.body).toEqual([{ name: 'Ada', company: 'Acme', city: 'Berlin' }]);
		const hinted = await api(
			'GET',
			`/rest/attendees?select=name,sessions!speakers(title)&id=eq.${ids.linus}`
		);
		expect(hinted.body).toEqual([{ name: 'Linus', sessions: [{ title: 'Panel' }] }]);
	});

	it('refuses an embed through a field that is not a link, an unknown one and too deep a one', async () => {
		const before = await snapshot();
		const cases: [string, number, string][] = [
			['/rest/attendees?select=name,bio(name)', 400, 'PGRST200'],
			['/rest/attendees?select=name,nothing(name)', 400, 'PGRST200'],
			['/rest/attendees?select=name,...sessions(title)', 400, 'PGRST119'],
			['/rest/attendees?select=customer(attendees(customer(attendees(name))))', 400, 'PGRST100'],
			['/rest/attendees?select=name&customer.name=eq.x', 400, 'PGRST108'],
			['/rest/attendees?select=name,customer(nope)', 400, 'PGRST204']
		];
		for (const [path, status, code] of cases) {
			const response = await api('GET', path);
			expect(response.status, path).toBe(status);
			expect(response.body, path).toMatchObject({ code, message: expect.any(String) });
			expect(response.body).toHaveProperty('details');
			expect(response.body).toHaveProperty('hint');
		}
		expect(await snapshot()).toEqual(before);
	});

	it('keeps RLS the wall inside embeds: a viewer token reads them, a stranger sees none', async () => {
		const response = await api('GET', '/rest/attendees?select=name,customer(name)&limit=1', {
			token: viewerToken
		});
		expect(response.status).toBe(200);
		expect(response.body).toEqual([{ name: 'Ada', customer: { name: 'Acme' } }]);
	});
});

describe('select casts', () => {
	it('casts to text and integer', async () => {
		const response = await api(
			'GET',
			`/rest/attendees?select=score::text,whole:score::int&id=eq.${ids.ada}`
		);
		expect(response.body).toEqual([{ score: '9.5', whole: 10 }]);
		const refused = await api('GET', '/rest/attendees?select=name::int');
		expect(refused.status).toBe(400);
	});
});

describe('singular responses', () => {
	it('answers one object for exactly one row, and 406 otherwise, for reads and writes', async () => {
		const one = await api('GET', `/rest/attendees?select=name&id=eq.${ids.ada}`, {
			headers: { accept: SINGULAR }
		});
		expect(one.status).toBe(200);
		expect(one.headers.get('content-type')).toContain(SINGULAR);
		expect(one.body).toEqual({ name: 'Ada' });

		const before = await snapshot();
		const many = await api('GET', '/rest/attendees?select=name', {
			headers: { accept: SINGULAR }
		});
		expect(many.status).toBe(406);
		expect(many.body).toMatchObject({ code: 'PGRST116', details: 'The result contains 3 rows' });
		const none = await api('GET', '/rest/attendees?name=eq.Nobody', {
			headers: { accept: SINGULAR }
		});
		expect(none.status).toBe(406);
		const patchMany = await api('PATCH', '/rest/attendees?score=gte.0', {
			body: { score: 1 },
			headers: { accept: SINGULAR, prefer: 'return=representation' }
		});
		expect(patchMany.status).toBe(406);
		expect(patchMany.body).toMatchObject({ code: 'PGRST116' });
		const insertTwo = await api('POST', '/rest/attendees', {
			body: [{ name: 'X' }, { name: 'Y' }],
			headers: { accept: SINGULAR, prefer: 'return=representation' }
		});
		expect(insertTwo.status).toBe(406);
		expect(await snapshot()).toEqual(before);

		const patchOne = await api('PATCH', `/rest/attendees?id=eq.${ids.linus}`, {
			body: { score: 7.5 },
			headers: { accept: SINGULAR, prefer: 'return=representation' }
		});
		expect(patchOne.status).toBe(200);
		expect(patchOne.body).toMatchObject({ id: ids.linus, score: 7.5 });
	});
});

describe('operators', () => {
	const names = async (query: string) => {
		const response = await api('GET', `/rest/attendees?select=name&order=name&${query}`);
		expect(response.status, `${query}: ${JSON.stringify(response.body)}`).toBe(200);
		return response.body.map((row: { name: string }) => row.name);
	};

	it('searches full text with fts, plfts, phfts and wfts', async () => {
		expect(await names('bio=fts.compiler')).toEqual(['Grace']);
		expect(await names('bio=fts(english).program')).toEqual(['Ada']);
		expect(await names(`bio=fts.${encodeURIComponent('wrote & !kernel')}`)).toEqual([]);
		expect(await names(`bio=plfts.${encodeURIComponent('first programs')}`)).toEqual(['Ada']);
		expect(await names(`bio=phfts.${encodeURIComponent('the machine')}`)).toEqual(['Grace']);
		expect(await names(`bio=wfts.${encodeURIComponent('"a kernel" or moth')}`)).toEqual([
			'Grace',
			'Linus'
		]);
		expect(await names('bio=not.fts.kernel')).toEqual(['Ada', 'Grace']);
	});

	it('refuses a malformed fts query with a coded 400', async () => {
		const response = await api('GET', `/rest/attendees?bio=fts.${encodeURIComponent('a & ')}`);
		expect(response.status).toBe(400);
		expect(response.body).toMatchObject({
			code: 'PGRST100',
			message: expect.stringMatching(/full-text/)
		});
	});

	it('compares multi selects and links with cs, cd and ov', async () => {
		expect(await names('tags=ov.{press,staff}')).toEqual(['Grace', 'Linus']);
		expect(await names('tags=cs.{speaker,staff}')).toEqual(['Grace']);
		expect(await names('tags=cd.{speaker,press}')).toEqual(['Ada', 'Linus']);
		expect(await names(`customer=ov.{${ids.globex}}`)).toEqual(['Linus']);
		expect(await names(`customer=cs.{${ids.acme}}`)).toEqual(['Ada', 'Grace']);
		const refused = await api('GET', '/rest/attendees?name=ov.{a}');
		expect(refused.status).toBe(400);
	});

	it('takes isdistinct, match and imatch', async () => {
		expect(await names('score=isdistinct.8')).toEqual(['Ada', 'Linus']);
		expect(await names('name=match.^[AG]')).toEqual(['Ada', 'Grace']);
		expect(await names('name=imatch.^l')).toEqual(['Linus']);
		expect(await names('name=not.imatch.A')).toEqual(['Linus']);
		const bad = await api('GET', `/rest/attendees?name=match.${encodeURIComponent('(')}`);
		expect(bad.status).toBe(400);
		expect(bad.body).toMatchObject({ code: 'PGRST100' });
	});
});

describe('upsert', () => {
	it('merges or ignores duplicates on a unique field', async () => {
		const merged = await api('POST', '/rest/customers?on_conflict=code&select=name,code', {
			body: [
				{ name: 'Acme Corp', code: 'AC' },
				{ name: 'Initech', code: 'IN' }
			],
			headers: { prefer: 'resolution=merge-duplicates,return=representation' }
		});
		expect(merged.status, JSON.stringify(merged.body)).toBe(201);
		expect(merged.headers.get('preference-applied')).toContain('resolution=merge-duplicates');
		expect(merged.body).toEqual(
			expect.arrayContaining([
				{ name: 'Initech', code: 'IN' },
				{ name: 'Acme Corp', code: 'AC' }
			])
		);
		const ignored = await api('POST', '/rest/customers?on_conflict=code&select=name', {
			body: [
				{ name: 'Acme Again', code: 'AC' },
				{ name: 'Umbrella', code: 'UM' }
			],
			headers: { prefer: 'resolution=ignore-duplicates,return=representation' }
		});
		expect(ignored.body).toEqual([{ name: 'Umbrella' }]);
		const all = await api('GET', '/rest/customers?select=name,code&order=code');
		expect(all.body).toEqual([
			{ name: 'Acme Corp', code: 'AC' },
			{ name: 'Globex', code: 'GX' },
			{ name: 'Initech', code: 'IN' },
			{ name: 'Umbrella', code: 'UM' }
		]);
	});

	it('refuses on_conflict on a field that is not unique, changing nothing', async () => {
		const before = await snapshot();
		const response = await api('POST', '/rest/customers?on_conflict=city', {
			body: [{ name: 'Nope', city: 'Berlin' }],
			headers: { prefer: 'resolution=merge-duplicates' }
		});
		expect(response.status).toBe(400);
		expect(response.body).toMatchObject({ code: '42P10', message: expect.stringMatching(/city/) });
		expect(await snapshot()).toEqual(before);
	});
});

describe('Prefer', () => {
	it('fills missing columns with their defaults under missing=default', async () => {
		const response = await api('POST', '/rest/customers?select=name,city', {
			body: [{ name: 'Hooli', code: 'HO' }],
			headers: { prefer: 'missing=default,return=representation' }
		});
		expect(response.status).toBe(201);
		expect(response.headers.get('preference-applied')).toContain('missing=default');
		expect(response.body).toEqual([{ name: 'Hooli', city: null }]);
	});

	it('refuses an unknown preference under handling=strict, and ignores it otherwise', async () => {
		const strict = await api('GET', '/rest/customers?select=name', {
			headers: { prefer: 'handling=strict,frobnicate=yes' }
		});
		expect(strict.status).toBe(400);
		expect(strict.body).toMatchObject({ code: 'PGRST122' });
		const lenient = await api('GET', '/rest/customers?select=name&limit=1', {
			headers: { prefer: 'handling=lenient,frobnicate=yes' }
		});
		expect(lenient.status).toBe(200);
	});
});

describe('CSV', () => {
	it('inserts a CSV body and answers CSV', async () => {
		const created = await api('POST', '/rest/customers', {
			csv: 'name,code,city\nWayne,WE,Gotham\n"Stark, Inc",SI,"New York"\n',
			headers: { prefer: 'return=representation', accept: 'text/csv' }
		});
		expect(created.status, String(created.body)).toBe(201);
		const read = await api('GET', '/rest/customers?select=name,city&code=in.(WE,SI)&order=name', {
			headers: { accept: 'text/csv' }
		});
		expect(read.headers.get('content-type')).toContain('text/csv');
		expect(String(read.body).replace(/\r\n/g, '\n')).toBe(
			'name,city\n"Stark, Inc",New York\nWayne,Gotham'
		);
	});

	it('refuses CSV whose columns do not match, changing nothing', async () => {
		const before = await snapshot();
		const ragged = await api('POST', '/rest/customers', {
			csv: 'name,code\nOne,O1\nTwo,O2,extra\n'
		});
		expect(ragged.status).toBe(400);
		expect(ragged.body).toMatchObject({
			code: 'PGRST102',
			message: expect.stringMatching(/row 2/)
		});
		const unknown = await api('POST', '/rest/customers', { csv: 'name,colour\nThree,red\n' });
		expect(unknown.status).toBe(400);
		expect(unknown.body).toMatchObject({
			code: 'PGRST204',
			message: expect.stringMatching(/colour/)
		});
		expect(await snapshot()).toEqual(before);
	});
});

describe('OpenAPI at the API root', () => {
	it('answers GET rest/ with the document', async () => {
		const response = await api('GET', '/rest');
		expect(response.status).toBe(200);
		expect(response.body.openapi).toBe('3.1.0');
		expect(Object.keys(response.body.paths)).toEqual(
			expect.arrayContaining(['/rest/attendees', '/rest/customers', '/rest/sessions'])
		);
	});
});
