// The REST API through the stock @supabase/postgrest-js client against the real built server:
// everything issue 11 promises (embedding, aliases and casts, singular responses, the full-text,
// array and regex operators, upsert on a unique field, missing=default, CSV, the OpenAPI root)
// called through the client's own methods, so a response shape it cannot parse or a header it
// sends that the server refuses fails here. rest-breadth.test.ts proves the same grammar with
// hand-built requests and the database left unchanged by refusals.
import { PostgrestClient } from '@supabase/postgrest-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '$lib/server/context';
import { createApiToken } from '$lib/server/auth/api-tokens';
import { bootTestApp, createSpace, createUser, stopTestApp } from '../support/app';
import { conferenceRecords, createConferenceTypes } from '../support/rest-conference';
import { startAppServer, type AppServer } from '../support/server';

let context: AppContext;
let server: AppServer;
let rest: PostgrestClient;
let root: PostgrestClient;
const ids: Record<string, string> = {};

/** The stock client at a base URL, authenticated the way users' code is. */
const clientAt = (url: string, token: string) =>
	new PostgrestClient(url, { headers: { Authorization: `Bearer ${token}` } });

const names = (rows: { name: string }[] | null) => (rows ?? []).map((row) => row.name);

beforeAll(async () => {
	context = await bootTestApp();
	const owner = await createUser(context, 'Client Owner');
	const space = await createSpace(context, owner, 'Client');
	await createConferenceTypes(context, owner, space.slug);
	const token = (
		await createApiToken({
			context,
			actor: owner.actor,
			space: space.slug,
			input: { name: 'client', role: 'owner' }
		})
	).secret;
	server = await startAppServer();
	rest = clientAt(`${server.url}/api/spaces/${space.slug}/rest`, token);
	// The root document is one level up from the collections: a second client whose one
	// "relation" is rest itself (the client has no call for the root).
	root = clientAt(`${server.url}/api/spaces/${space.slug}`, token);

	// The records go in through the client's insert, so its `columns` parameter and
	// `Prefer: return=representation` are exercised from the start.
	for (const { type, keys, rows } of conferenceRecords) {
		const { data, error, status } = await rest.from(type).insert(rows(ids)).select('id');
		expect(error).toBeNull();
		expect(status).toBe(201);
		(data as { id: string }[]).forEach((row, index) => (ids[keys[index]!] = row.id));
	}
}, 180_000);

afterAll(async () => {
	await server?.stop();
	await stopTestApp();
});

describe('resource embedding', () => {
	it('embeds to-one forward with aliases, and to-many both ways', async () => {
		const toOne = await rest
			.from('attendees')
			.select('who:name,customer(name,town:city)')
			.order('name');
		expect(toOne.error).toBeNull();
		expect(toOne.data).toEqual([
			{ who: 'Ada', customer: { name: 'Acme', town: 'Berlin' } },
			{ who: 'Grace', customer: { name: 'Acme', town: 'Berlin' } },
			{ who: 'Linus', customer: { name: 'Globex', town: 'Paris' } }
		]);
		const forward = await rest.from('sessions').select('title,speakers(name)').order('title');
		expect(forward.data).toEqual([
			{ title: 'Keynote', speakers: [{ name: 'Grace' }, { name: 'Ada' }] },
			{ title: 'Panel', speakers: [{ name: 'Linus' }] }
		]);
		const reverse = await rest
			.from('customers')
			.select('name,attendees(name)')
			.order('name')
			.order('name', { referencedTable: 'attendees', ascending: false });
		expect(reverse.error).toBeNull();
		expect(reverse.data).toEqual([
			{ name: 'Acme', attendees: [{ name: 'Grace' }, { name: 'Ada' }] },
			{ name: 'Globex', attendees: [{ name: 'Linus' }] }
		]);
	});

	it('nests embeds, and filters, orders, limits and ranges the embedded resource', async () => {
		const nested = await rest
			.from('sessions')
			.select('title,speakers(name,customer(name))')
			.eq('id', ids.keynote!);
		expect(nested.data).toEqual([
			{
				title: 'Keynote',
				speakers: [
					{ name: 'Grace', customer: { name: 'Acme' } },
					{ name: 'Ada', customer: { name: 'Acme' } }
				]
			}
		]);
		const ranged = await rest
			.from('customers')
			.select('name,attendees(name)')
			.order('name')
			.gte('attendees.score', 8)
			.order('score', { referencedTable: 'attendees' })
			.range(1, 1, { referencedTable: 'attendees' });
		expect(ranged.error).toBeNull();
		expect(ranged.data).toEqual([
			{ name: 'Acme', attendees: [{ name: 'Ada' }] },
			{ name: 'Globex', attendees: [] }
		]);
		const limited = await rest
			.from('customers')
			.select('name,attendees(name)')
			.eq('code', 'AC')
			.order('name', { referencedTable: 'attendees' })
			.limit(1, { referencedTable: 'attendees' });
		expect(limited.data).toEqual([{ name: 'Acme', attendees: [{ name: 'Ada' }] }]);
		const filtered = await rest
			.from('attendees')
			.select('name,customer(name)')
			.eq('customer.city', 'Paris')
			.order('name');
		expect(filtered.data).toEqual([
			{ name: 'Ada', customer: null },
			{ name: 'Grace', customer: null },
			{ name: 'Linus', customer: { name: 'Globex' } }
		]);
	});

	it('keeps only parents with a match under !inner, in the rows and the count', async () => {
		const inner = await rest
			.from('attendees')
			.select('name,customer!inner(name)', { count: 'exact' })
			.eq('customer.city', 'Berlin')
			.order('name')
			.limit(1);
		expect(inner.error).toBeNull();
		expect(inner.data).toEqual([{ name: 'Ada', customer: { name: 'Acme' } }]);
		expect(inner.count).toBe(2);
		const head = await rest
			.from('attendees')
			.select('name,customer!inner()', { count: 'exact', head: true })
			.eq('customer.city', 'Paris');
		expect(head.error).toBeNull();
		expect(head.data).toBeNull();
		expect(head.count).toBe(1);
		const reverse = await rest
			.from('customers')
			.select('name,attendees!inner()')
			.contains('attendees.tags', ['press']);
		expect(reverse.data).toEqual([{ name: 'Globex' }]);
	});

	it('spreads a to-one embed into the row, and follows a link hint', async () => {
		const spread = await rest
			.from('attendees')
			.select('name,...customer(company:name,city)')
			.order('name')
			.limit(1);
		expect(spread.error).toBeNull();
		expect(spread.data).toEqual([{ name: 'Ada', company: 'Acme', city: 'Berlin' }]);
		const hinted = await rest
			.from('attendees')
			.select('name,sessions!speakers(title)')
			.eq('id', ids.linus!);
		expect(hinted.data).toEqual([{ name: 'Linus', sessions: [{ title: 'Panel' }] }]);
	});

	it('answers a coded error for an embed through a field that is not a link', async () => {
		const notLink = await rest.from('attendees').select('name,bio(name)');
		expect(notLink.status).toBe(400);
		expect(notLink.data).toBeNull();
		expect(notLink.error).toMatchObject({ code: 'PGRST200', message: expect.any(String) });
		const spreadMany = await rest.from('attendees').select('name,...sessions(title)');
		expect(spreadMany.status).toBe(400);
		expect(spreadMany.error).toMatchObject({ code: 'PGRST119' });
	});
});

describe('aliases and casts', () => {
	it('renames and casts columns', async () => {
		const cast = await rest
			.from('attendees')
			.select('score::text,whole:score::int')
			.eq('id', ids.ada!);
		expect(cast.error).toBeNull();
		expect(cast.data).toEqual([{ score: '9.5', whole: 10 }]);
		const refused = await rest.from('attendees').select('name::int');
		expect(refused.status).toBe(400);
		expect(refused.error?.code).toEqual(expect.any(String));
	});
});

describe('singular responses', () => {
	it('gives one object with .single(), and PGRST116 with 406 for several or none', async () => {
		const one = await rest.from('attendees').select('name').eq('id', ids.ada!).single();
		expect(one.error).toBeNull();
		expect(one.status).toBe(200);
		expect(one.data).toEqual({ name: 'Ada' });
		const several = await rest.from('attendees').select('name').single();
		expect(several.status).toBe(406);
		expect(several.data).toBeNull();
		expect(several.error).toMatchObject({
			code: 'PGRST116',
			details: 'The result contains 3 rows'
		});
		const none = await rest.from('attendees').select('name').eq('name', 'Nobody').single();
		expect(none.status).toBe(406);
		expect(none.error).toMatchObject({ code: 'PGRST116' });
	});

	it('gives one object or null with .maybeSingle(), and PGRST116 for several', async () => {
		const one = await rest.from('attendees').select('name').eq('name', 'Grace').maybeSingle();
		expect(one.error).toBeNull();
		expect(one.data).toEqual({ name: 'Grace' });
		const none = await rest.from('attendees').select('name').eq('name', 'Nobody').maybeSingle();
		expect(none.error).toBeNull();
		expect(none.data).toBeNull();
		const several = await rest.from('attendees').select('name').maybeSingle();
		expect(several.status).toBe(406);
		expect(several.error).toMatchObject({ code: 'PGRST116' });
	});

	it('takes .single() on writes: one row changes, several are refused unchanged', async () => {
		const patched = await rest
			.from('attendees')
			.update({ score: 7.5 })
			.eq('id', ids.linus!)
			.select('id,score')
			.single();
		expect(patched.error).toBeNull();
		expect(patched.data).toEqual({ id: ids.linus, score: 7.5 });
		const several = await rest
			.from('attendees')
			.update({ score: 1 })
			.gte('score', 0)
			.select('name')
			.single();
		expect(several.status).toBe(406);
		expect(several.error).toMatchObject({ code: 'PGRST116' });
		const scores = await rest.from('attendees').select('score').order('name');
		expect(scores.data).toEqual([{ score: 9.5 }, { score: 8 }, { score: 7.5 }]);
	});
});

describe('operators', () => {
	const attendees = () => rest.from('attendees').select('name').order('name');

	it('searches full text with .textSearch in every type, with a config and negated', async () => {
		expect(names((await attendees().textSearch('bio', 'compiler')).data)).toEqual(['Grace']);
		expect(
			names((await attendees().textSearch('bio', 'program', { config: 'english' })).data)
		).toEqual(['Ada']);
		expect(
			names((await attendees().textSearch('bio', 'first programs', { type: 'plain' })).data)
		).toEqual(['Ada']);
		expect(
			names((await attendees().textSearch('bio', 'the machine', { type: 'phrase' })).data)
		).toEqual(['Grace']);
		expect(
			names((await attendees().textSearch('bio', '"a kernel" or moth', { type: 'websearch' })).data)
		).toEqual(['Grace', 'Linus']);
		expect(names((await attendees().not('bio', 'fts', 'kernel')).data)).toEqual(['Ada', 'Grace']);
	});

	it('answers a coded 400 for a malformed full-text query', async () => {
		const bad = await attendees().textSearch('bio', 'a & ');
		expect(bad.status).toBe(400);
		expect(bad.error).toMatchObject({
			code: 'PGRST100',
			message: expect.stringMatching(/full-text/)
		});
	});

	it('compares multi selects and links with .contains, .containedBy and .overlaps', async () => {
		expect(names((await attendees().overlaps('tags', ['press', 'staff'])).data)).toEqual([
			'Grace',
			'Linus'
		]);
		expect(names((await attendees().contains('tags', ['speaker', 'staff'])).data)).toEqual([
			'Grace'
		]);
		expect(names((await attendees().containedBy('tags', ['speaker', 'press'])).data)).toEqual([
			'Ada',
			'Linus'
		]);
		expect(names((await attendees().overlaps('customer', [ids.globex!])).data)).toEqual(['Linus']);
		expect(names((await attendees().contains('customer', [ids.acme!])).data)).toEqual([
			'Ada',
			'Grace'
		]);
		const refused = await attendees().overlaps('name', ['a']);
		expect(refused.status).toBe(400);
		expect(refused.error?.code).toEqual(expect.any(String));
	});

	it('takes .isDistinct, .regexMatch and .regexIMatch', async () => {
		expect(names((await attendees().isDistinct('score', 8)).data)).toEqual(['Ada', 'Linus']);
		expect(names((await attendees().regexMatch('name', '^[AG]')).data)).toEqual(['Ada', 'Grace']);
		expect(names((await attendees().regexIMatch('name', '^l')).data)).toEqual(['Linus']);
		expect(names((await attendees().not('name', 'imatch', 'A')).data)).toEqual(['Linus']);
		const bad = await attendees().regexMatch('name', '(');
		expect(bad.status).toBe(400);
		expect(bad.error).toMatchObject({ code: 'PGRST100' });
	});
});

describe('upsert', () => {
	it('merges duplicates on a unique field with .upsert(..., { onConflict })', async () => {
		const merged = await rest
			.from('customers')
			.upsert(
				[
					{ name: 'Acme Corp', code: 'AC' },
					{ name: 'Initech', code: 'IN' }
				],
				{ onConflict: 'code' }
			)
			.select('name,code');
		expect(merged.error).toBeNull();
		expect(merged.status).toBe(201);
		expect(merged.data).toEqual(
			expect.arrayContaining([
				{ name: 'Initech', code: 'IN' },
				{ name: 'Acme Corp', code: 'AC' }
			])
		);
		const acme = await rest.from('customers').select('id').eq('code', 'AC').single();
		expect(acme.data).toEqual({ id: ids.acme });
	});

	it('skips duplicates with ignoreDuplicates', async () => {
		const ignored = await rest
			.from('customers')
			.upsert(
				[
					{ name: 'Acme Again', code: 'AC' },
					{ name: 'Umbrella', code: 'UM' }
				],
				{ onConflict: 'code', ignoreDuplicates: true }
			)
			.select('name');
		expect(ignored.error).toBeNull();
		expect(ignored.data).toEqual([{ name: 'Umbrella' }]);
		const all = await rest.from('customers').select('name,code').order('code');
		expect(all.data).toEqual([
			{ name: 'Acme Corp', code: 'AC' },
			{ name: 'Globex', code: 'GX' },
			{ name: 'Initech', code: 'IN' },
			{ name: 'Umbrella', code: 'UM' }
		]);
	});

	it('answers 42P10 for onConflict on a field that is not unique, writing nothing', async () => {
		const refused = await rest
			.from('customers')
			.upsert([{ name: 'Nope', city: 'Berlin' }], { onConflict: 'city' });
		expect(refused.status).toBe(400);
		expect(refused.error).toMatchObject({ code: '42P10', message: expect.stringMatching(/city/) });
		const nope = await rest.from('customers').select('id').eq('name', 'Nope');
		expect(nope.data).toEqual([]);
	});
});

describe('Prefer missing=default', () => {
	it('leaves a field a row does not give unwritten under defaultToNull: false', async () => {
		// The client names the union of the rows' keys in `columns` and sends missing=default.
		const inserted = await rest
			.from('customers')
			.insert(
				[
					{ name: 'Pied Piper', code: 'PP', city: 'Palo Alto' },
					{ name: 'Hooli', code: 'HO' }
				],
				{ defaultToNull: false }
			)
			.select('name,city');
		expect(inserted.error).toBeNull();
		expect(inserted.status).toBe(201);
		expect(inserted.data).toEqual([
			{ name: 'Pied Piper', city: 'Palo Alto' },
			{ name: 'Hooli', city: null }
		]);
		// A merged record keeps what its row leaves out, though another row of the batch gives it.
		const merged = await rest
			.from('customers')
			.upsert(
				[
					{ name: 'Pied Piper Inc', code: 'PP' },
					{ name: 'Hooli XYZ', code: 'HO', city: 'Mountain View' }
				],
				{ onConflict: 'code', defaultToNull: false }
			)
			.select('name,city');
		expect(merged.error).toBeNull();
		expect(merged.data).toEqual(
			expect.arrayContaining([
				{ name: 'Pied Piper Inc', city: 'Palo Alto' },
				{ name: 'Hooli XYZ', city: 'Mountain View' }
			])
		);
		const one = await rest
			.from('customers')
			.upsert({ name: 'Pied Piper', code: 'PP' }, { onConflict: 'code', defaultToNull: false })
			.select('name,city')
			.single();
		expect(one.error).toBeNull();
		expect(one.data).toEqual({ name: 'Pied Piper', city: 'Palo Alto' });
	});
});

describe('CSV', () => {
	it('answers CSV with .csv()', async () => {
		const read = await rest
			.from('customers')
			.select('name,city')
			.in('code', ['AC', 'GX'])
			.order('name')
			.csv();
		expect(read.error).toBeNull();
		expect(String(read.data).replace(/\r\n/g, '\n')).toBe(
			'name,city\nAcme Corp,Berlin\nGlobex,Paris'
		);
		const embedded = await rest
			.from('attendees')
			.select('name,customer(name)')
			.eq('name', 'Ada')
			.csv();
		expect(String(embedded.data).replace(/\r\n/g, '\n')).toBe(
			'name,customer\nAda,"{""name"":""Acme Corp""}"'
		);
	});
});

describe('OpenAPI at the API root', () => {
	it('answers the document at rest/', async () => {
		const { data, error, status } = await root.from('rest').select();
		expect(error).toBeNull();
		expect(status).toBe(200);
		const document = data as unknown as { openapi: string; paths: Record<string, unknown> };
		expect(document.openapi).toBe('3.1.0');
		expect(Object.keys(document.paths)).toEqual(
			expect.arrayContaining(['/rest/attendees', '/rest/customers', '/rest/sessions'])
		);
	});
});
