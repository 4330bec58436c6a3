// Fuzzes every JSON endpoint of the built server: thousands of generated bodies (NUL, lone
// surrogates, huge and odd numbers, deep nesting, wrong types, `__proto__` keys, broken JSON)
// and PostgREST query strings. Every answer must be under 500, a 4xx must carry a JSON `code`,
// and a refused request must leave the space's tables exactly as they were. Requests run one
// at a time so each refusal is checked against a checksum taken just before it.
// FUZZ_SEED reproduces a run (the seed is printed on failure); FUZZ_RUNS sets cases per endpoint.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '$lib/server/auth/api-tokens';
import type { AppContext } from '$lib/server/context';
import { addAttribute } from '$lib/server/services/attributes';
import { addComment } from '$lib/server/services/comments';
import { createEntityType } from '$lib/server/services/entity-types';
import { createRecords } from '$lib/server/services/records';
import { createView } from '$lib/server/services/views';
import { bootTestApp, createSpace, createUser, stopTestApp } from '../support/app';
import { startAppServer, type AppServer } from '../support/server';

const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
// About 1,300 requests by default, which fits the file in a minute on a small machine.
const runsPerEndpoint = Number(process.env.FUZZ_RUNS ?? 40);

let context: AppContext;
let server: AppServer;
let token = '';
let slug = '';
let spaceId = '';
let ownerId = '';
let recordId = '';
let commentId = '';
let viewId = '';

/** Background jobs write these after a request has answered; they are not the request's doing. */
const ASYNC_TABLES = new Set(['webhook_deliveries', 'export_jobs']);
/** Columns a request may touch without changing data: token use, webhook health. */
const VOLATILE_COLUMNS = ['last_used_at', 'consecutive_failures', 'disabled_reason'];
let checksumSql = '';

beforeAll(async () => {
	context = await bootTestApp();
	const owner = await createUser(context, 'Fuzz Owner');
	ownerId = owner.id;
	const space = await createSpace(context, owner, 'Fuzz');
	slug = space.slug;
	spaceId = space.id;
	const actor = owner.actor;
	await createEntityType({ context, actor, space: slug, input: { name: 'Guests' } });
	for (const input of [
		{ name: 'Name', kind: 'text' },
		{ name: 'Age', kind: 'number' },
		{ name: 'Tags', kind: 'multi_select', options: { choices: [{ id: 'v', name: 'VIP' }] } }
	]) {
		await addAttribute({ context, actor, space: slug, type: 'guests', input });
	}
	const created = await createRecords({
		context,
		actor,
		space: slug,
		type: 'guests',
		values: [{ name: 'Ada', age: 36 }]
	});
	recordId = created.created[0]!.id;
	commentId = (
		await addComment({ context, actor, space: slug, id: recordId, input: { body: 'Hi' } })
	).id;
	viewId = (
		await createView({ context, actor, space: slug, type: 'guests', input: { name: 'All' } })
	).id;
	token = (
		await createApiToken({
			context,
			actor: { ...actor, via: 'web' },
			space: slug,
			input: { name: 'fuzz', role: 'owner' }
		})
	).secret;

	// Every table that holds a space's data, read as the owner (no policies in the way).
	const { rows } = await context.db.owner.query<{ table_name: string }>(
		`select table_name from information_schema.columns
		  where table_schema = 'public' and column_name = 'space_id' order by table_name`
	);
	const strip = VOLATILE_COLUMNS.map((column) => ` - '${column}'`).join('');
	const parts = rows
		.map((row) => row.table_name)
		.filter((table) => !ASYNC_TABLES.has(table))
		.map(
			(table) =>
				`(select coalesce(md5(string_agg((to_jsonb(t)${strip})::text, '|' order by (to_jsonb(t)${strip})::text)), '')
				    from "${table}" t where space_id = $1)`
		);
	parts.push(`(select count(*)::text from spaces)`);
	checksumSql = `select md5(concat_ws(',', ${parts.join(', ')})) as sum`;

	server = await startAppServer();
}, 180_000);

afterAll(async () => {
	await server?.stop();
	await stopTestApp();
	// What the run reached: all 400s at the JSON edge would mean the fuzzer never got deeper.
	console.info(`fuzz-api (FUZZ_SEED=${seed}) answers by status:`, statuses);
});

async function checksum(): Promise<string> {
	const { rows } = await context.db.owner.query<{ sum: string }>(checksumSql, [spaceId]);
	return rows[0]!.sum;
}

// ---- hostile values --------------------------------------------------------------------

// The hand-picked strings come up most: random text rarely holds the one byte that matters.
const hostileString = fc.oneof(
	{ weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
	{ weight: 1, arbitrary: fc.string({ maxLength: 20, unit: 'binary' }) },
	{
		weight: 4,
		arbitrary: fc.constantFrom(
			'',
			'\u0000',
			'a\u0000b',
			'\uD800',
			'x\uDFFFy',
			'👋\u0000',
			' ',
			'null',
			'undefined',
			'__proto__',
			'constructor',
			'../../etc/passwd',
			'<script>alert(1)</script>',
			"'; drop table spaces; --",
			'text/plain;\r\nX-Injected: 1',
			'1e309',
			'-0',
			'x'.repeat(5_000)
		)
	}
);
const hostileNumber = fc.oneof(
	fc.double(),
	fc.integer(),
	fc.constantFrom(0, -0, 1e308, -1e308, 2 ** 53 + 1, -(2 ** 63), 0.1, 1e-320, 4_294_967_296)
);
const hostileValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
	value: fc.oneof(
		{ depthSize: 'small', withCrossShrink: true },
		{ weight: 6, arbitrary: hostileString },
		{ weight: 2, arbitrary: hostileNumber },
		{ weight: 1, arbitrary: fc.boolean() },
		{ weight: 1, arbitrary: fc.constant(null) },
		{ weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 4 }) },
		{ weight: 1, arbitrary: fc.dictionary(hostileString, tie('value'), { maxKeys: 4 }) }
	)
})).value;

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'];

/** One body for an endpoint: its template with fields replaced, a proto key, or raw junk. */
function bodyFor(template: Record<string, unknown>): fc.Arbitrary<string> {
	const keys = Object.keys(template);
	const mutated = fc
		.tuple(
			fc.array(fc.tuple(fc.constantFrom(...keys, ...keys, 'extra'), hostileValue), {
				minLength: 1,
				maxLength: 3
			}),
			fc.option(fc.tuple(fc.constantFrom(...PROTO_KEYS), hostileValue))
		)
		.map(([changes, proto]) => {
			const body: Record<string, unknown> = { ...template };
			for (const [key, value] of changes) body[key] = value;
			const text = JSON.stringify(body);
			// JSON.stringify drops a real __proto__ key; splice it in as a client would send it.
			return proto
				? `{${JSON.stringify(proto[0])}:${JSON.stringify(proto[1])},${text.slice(1)}`
				: text;
		});
	const raw = fc.oneof(
		hostileValue.map((value) => JSON.stringify(value) ?? 'null'),
		fc.integer({ min: 100, max: 20_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
		fc
			.integer({ min: 100, max: 5_000 })
			.map((depth) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)),
		fc.constantFrom('', '{', 'nul', '{"a":1}}', '[1,]', '"\\ud800"', '{"a":"\\u0000"}', '1e99999')
	);
	return fc.oneof({ weight: 4, arbitrary: mutated }, { weight: 1, arbitrary: raw });
}

/** Always tried first: each text field of the template with a NUL, then a lone surrogate. */
function knownBadBodies(template: Record<string, unknown>): [string][] {
	return Object.keys(template)
		.filter((key) => typeof template[key] === 'string')
		.flatMap((key) =>
			['a\u0000b', 'x\uDFFFy'].map((bad): [string] => [JSON.stringify({ ...template, [key]: bad })])
		);
}

// ---- endpoints ------------------------------------------------------------------------

interface Endpoint {
	method: string;
	/** `:space`, `:record`, `:comment`, `:view`, `:owner`, `:missing` are filled in at run time. */
	route: string;
	template: Record<string, unknown>;
}

const missing = randomUUID();

const pathOf = (route: string) =>
	route
		.replace(':space', slug)
		.replace(':record', recordId)
		.replace(':comment', commentId)
		.replace(':view', viewId)
		.replace(':owner', ownerId)
		.replace(':missing', missing);

const endpoints: Endpoint[] = [
	{ method: 'POST', route: '/api/spaces', template: { name: 'Fuzzed', slug: 'fuzzed' } },
	{ method: 'POST', route: '/api/spaces/:space/types', template: { name: 'Venues' } },
	{ method: 'PATCH', route: '/api/spaces/:space/types/guests', template: { name: 'People' } },
	{
		method: 'POST',
		route: '/api/spaces/:space/types/guests/fields',
		template: { name: 'City', kind: 'text', options: {}, isRequired: false }
	},
	{
		method: 'PATCH',
		route: '/api/spaces/:space/types/guests/fields/name',
		template: { name: 'Full name', options: {} }
	},
	{
		method: 'POST',
		route: '/api/spaces/:space/types/guests/fields/age/kind',
		template: { kind: 'text' }
	},
	{
		method: 'PUT',
		route: '/api/spaces/:space/types/guests/fields/order',
		template: { keys: ['age', 'name'] }
	},
	{
		method: 'POST',
		route: '/api/spaces/:space/types/guests/views',
		template: { name: 'Adults', config: { filter: null, sort: [] } }
	},
	{
		method: 'PATCH',
		route: '/api/spaces/:space/types/guests/views/:view',
		template: { name: 'Everyone', config: { hidden: [] } }
	},
	{
		method: 'POST',
		route: '/api/spaces/:space/records/:record/comments',
		template: { body: 'Hello' }
	},
	{
		method: 'POST',
		route: '/api/spaces/:space/records/:record/history/restore',
		template: { field: 'name', auditId: ':missing' }
	},
	{
		method: 'POST',
		route: '/api/spaces/:space/types/guests/records/:record/move',
		template: { field: 'tags', status: 'VIP' }
	},
	{ method: 'PATCH', route: '/api/data/entity/:record', template: { name: 'Bo', age: 3 } },
	{
		method: 'POST',
		route: '/api/spaces/:space/members',
		template: { email: 'guest@example.test', role: 'viewer' }
	},
	{ method: 'PATCH', route: '/api/spaces/:space/members/:owner', template: { role: 'editor' } },
	{ method: 'POST', route: '/api/spaces/:space/tokens', template: { name: 'ci', role: 'viewer' } },
	{
		method: 'POST',
		route: '/api/spaces/:space/webhooks',
		template: { url: 'https://hooks.example.test/x', events: ['record.created'] }
	},
	{ method: 'PATCH', route: '/api/spaces/:space/webhooks/:missing', template: { isActive: false } },
	{
		method: 'POST',
		route: '/api/spaces/:space/types/guests/imports',
		template: { name: 'guests.csv', size: 10 }
	},
	{
		method: 'POST',
		route: '/api/spaces/:space/types/guests/export/jobs',
		template: { format: 'csv' }
	},
	{
		method: 'POST',
		route: '/api/spaces/:space/checkin',
		template: { type: 'guests', recordId: ':record', field: 'name' }
	},
	{ method: 'POST', route: '/api/spaces/:space/checkin/undo', template: { recordId: ':record' } },
	{
		method: 'POST',
		route: '/api/spaces/:space/files',
		template: { name: 'photo.png', size: 10, contentType: 'image/png' }
	},
	{ method: 'POST', route: '/api/spaces/:space/rest/guests', template: { name: 'Cy', age: 1 } },
	{
		method: 'PATCH',
		route: '/api/spaces/:space/rest/guests?name=eq.Nobody',
		template: { name: 'Di', tags: ['VIP'] }
	}
];

/** PostgREST query strings: the grammar's parts and hostile text in odd places. */
const queryString = fc
	.array(
		fc.tuple(
			fc.oneof(
				fc.constantFrom('name', 'age', 'tags', 'id', 'select', 'order', 'limit', 'offset'),
				fc.constantFrom('or', 'and', 'not.or', 'search', 'cursor'),
				hostileString
			),
			fc.oneof(
				fc
					.tuple(
						fc.constantFrom('', 'not.'),
						fc.constantFrom('eq', 'neq', 'gt', 'lt', 'like', 'in', 'is', 'cs', 'fts', 'zz'),
						hostileString
					)
					.map((parts) => `${parts[0]}${parts[1]}.${parts[2]}`),
				fc.array(hostileString, { maxLength: 4 }).map((items) => `(${items.join(',')})`),
				hostileString
			)
		),
		{ minLength: 1, maxLength: 4 }
	)
	.map((pairs) => new URLSearchParams(pairs.map(([key, value]) => [String(key), String(value)])));

// ---- the run ----------------------------------------------------------------------------

interface Outcome {
	status: number;
	body: string;
}

async function send(method: string, path: string, body?: string): Promise<Outcome> {
	const response = await fetch(`${server.url}${path}`, {
		method,
		headers: {
			authorization: `Bearer ${token}`,
			...(body !== undefined && { 'content-type': 'application/json' })
		},
		body
	});
	return { status: response.status, body: await response.text() };
}

const statuses: Record<number, number> = {};

/** Asserts one answer and that a refused request left the data as it was. */
async function check(request: string, before: string, outcome: Outcome): Promise<string> {
	statuses[outcome.status] = (statuses[outcome.status] ?? 0) + 1;
	const where = `${request} (FUZZ_SEED=${seed})`;
	expect(outcome.status, `${where} -> ${outcome.body.slice(0, 300)}`).toBeLessThan(500);
	const after = await checksum();
	if (outcome.status >= 400) {
		let code: unknown;
		try {
			code = (JSON.parse(outcome.body) as { code?: unknown }).code;
		} catch {
			code = undefined;
		}
		expect(
			code,
			`${where}: a ${outcome.status} without a JSON code: ${outcome.body.slice(0, 200)}`
		).toEqual(expect.any(String));
		expect(after, `${where}: refused with ${outcome.status} but the data changed`).toBe(before);
	}
	return after;
}

describe('every JSON endpoint under fuzzing', () => {
	it.each(endpoints.map((endpoint) => [`${endpoint.method} ${endpoint.route}`, endpoint] as const))(
		'%s',
		async (_name, endpoint) => {
			let sum = await checksum();
			const template = JSON.parse(pathOf(JSON.stringify(endpoint.template))) as Record<
				string,
				unknown
			>;
			await fc.assert(
				fc.asyncProperty(bodyFor(template), async (body) => {
					const path = pathOf(endpoint.route);
					const outcome = await send(endpoint.method, path, body);
					sum = await check(`${endpoint.method} ${path} ${body.slice(0, 200)}`, sum, outcome);
				}),
				{ seed, numRuns: runsPerEndpoint, examples: knownBadBodies(template) }
			);
		}
	);

	it.each(['GET', 'PATCH', 'DELETE'])(
		'%s on a REST collection with fuzzed query strings',
		async (method) => {
			let sum = await checksum();
			await fc.assert(
				fc.asyncProperty(queryString, bodyFor({ name: 'Ed' }), async (query, body) => {
					const path = `/api/spaces/${slug}/rest/guests?${query}`;
					const outcome = await send(method, path, method === 'PATCH' ? body : undefined);
					// A fuzzed filter may match Ada and legitimately change or delete her.
					sum = await check(`${method} ${path}`, sum, outcome);
				}),
				{ seed, numRuns: runsPerEndpoint * 2 }
			);
		}
	);
});
