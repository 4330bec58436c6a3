// The bench sheet: a user, a space and a "Contacts" type with ten fields, made the way the app
// makes them (definer functions and services, as the runtime role); then the records,
// bulk-inserted in SQL as the owner, since a million records through the write path would
// measure the write path instead.
import { randomUUID } from 'node:crypto';
import {
	fakerDE,
	fakerEN_US,
	fakerES,
	fakerFR,
	fakerIT,
	fakerNL,
	fakerPL,
	fakerPT_BR,
	fakerSV,
	type Faker
} from '@faker-js/faker';
import pg from 'pg';
import type { Actor } from '$lib/server/auth/actor';
import { createApiToken } from '$lib/server/auth/api-tokens';
import type { AppContext } from '$lib/server/context';
import { withActor, withAnonymous } from '$lib/server/db';
import { addAttribute } from '$lib/server/services/attributes';
import { createEntityType } from '$lib/server/services/entity-types';

export const STATUSES = ['Lead', 'Contacted', 'Qualified', 'Customer', 'Churned'] as const;
/** How often each status occurs, out of 20: a funnel, not a flat spread. */
const STATUS_WEIGHTS = [7, 5, 4, 3, 1];
const TAGS = [
	'speaker',
	'sponsor',
	'press',
	'volunteer',
	'staff',
	'alumni',
	'early-bird',
	'newsletter'
];
const DOMAINS = ['example.com', 'mail.test', 'events.example', 'inbox.example', 'corp.example'];

const FIELDS = [
	{ key: 'name', name: 'Name', kind: 'text' },
	{ key: 'email', name: 'Email', kind: 'email' },
	{ key: 'city', name: 'City', kind: 'text' },
	{
		key: 'status',
		name: 'Status',
		kind: 'single_select',
		options: {
			choices: STATUSES.map((name, index) => ({
				name,
				color: ['blue', 'yellow', 'orange', 'green', 'red'][index]
			}))
		}
	},
	{ key: 'score', name: 'Score', kind: 'number' },
	{ key: 'joined', name: 'Joined', kind: 'date' },
	{ key: 'vip', name: 'VIP', kind: 'checkbox' },
	{
		key: 'tags',
		name: 'Tags',
		kind: 'multi_select',
		options: { choices: TAGS.map((name) => ({ name })) }
	},
	{ key: 'company', name: 'Company', kind: 'text' },
	{ key: 'notes', name: 'Notes', kind: 'long_text' }
] as const;

export type FieldKey = (typeof FIELDS)[number]['key'];

export interface Fixture {
	userId: string;
	actor: Actor;
	spaceId: string;
	spaceSlug: string;
	typeKey: string;
	typeId: string;
	attributeIds: Record<FieldKey, string>;
	/** Secret of a viewer API token of the user in the space. */
	tokenSecret: string;
	/** Secret of an editor API token (write scope), for the PATCH run. */
	editorTokenSecret: string;
	/** A second type, "customers" (one text field, name), that contacts link to. */
	customers: { typeId: string; typeKey: string; nameId: string };
	/** The contacts' link to one customer (relation, single), for the embed run. */
	customerLinkId: string;
}

export async function createFixture(context: AppContext): Promise<Fixture> {
	const email = `bench.${randomUUID().slice(0, 8)}@example.test`;
	const userId = await withAnonymous(context.db.runtime, async (tx) => {
		const { rows } = await tx.query<{ id: string }>(
			'select app_register_user($1, $2, null) as id',
			[email, 'Bench User']
		);
		return rows[0]!.id;
	});
	const actor: Actor = { userId, via: 'web' };
	const spaceSlug = `bench-${randomUUID().slice(0, 8)}`;
	const spaceId = await withActor(context.db.runtime, actor, async (tx) => {
		const { rows } = await tx.query<{ id: string }>('select app_create_space($1, $2) as id', [
			spaceSlug,
			'Bench'
		]);
		return rows[0]!.id;
	});
	const type = await createEntityType({
		context,
		actor,
		space: spaceId,
		input: { name: 'Contacts', key: 'contacts' }
	});
	const attributeIds = {} as Record<FieldKey, string>;
	for (const field of FIELDS) {
		const { id } = await addAttribute({
			context,
			actor,
			space: spaceId,
			type: type.key,
			input: {
				key: field.key,
				name: field.name,
				kind: field.kind,
				options: 'options' in field ? field.options : {}
			}
		});
		attributeIds[field.key] = id;
	}
	const token = await createApiToken({
		context,
		actor,
		space: spaceId,
		input: { name: 'bench', role: 'viewer' }
	});
	const editorToken = await createApiToken({
		context,
		actor,
		space: spaceId,
		input: { name: 'bench editor', role: 'editor' }
	});
	const customerType = await createEntityType({
		context,
		actor,
		space: spaceId,
		input: { name: 'Customers', key: 'customers' }
	});
	const customerName = await addAttribute({
		context,
		actor,
		space: spaceId,
		type: customerType.key,
		input: { key: 'name', name: 'Name', kind: 'text' }
	});
	const customerLink = await addAttribute({
		context,
		actor,
		space: spaceId,
		type: type.key,
		input: {
			key: 'customer',
			name: 'Customer',
			kind: 'relation',
			options: { targetEntityTypeId: customerType.id, allowMultiple: false }
		}
	});
	return {
		editorTokenSecret: editorToken.secret,
		customers: { typeId: customerType.id, typeKey: customerType.key, nameId: customerName.id },
		customerLinkId: customerLink.id,
		userId,
		actor,
		spaceId,
		spaceSlug,
		typeKey: type.key,
		typeId: type.id,
		attributeIds,
		tokenSecret: token.secret
	};
}

interface Vocabulary {
	firsts: string[];
	lasts: string[];
	cities: string[];
	companies: string[];
	sentences: string[];
}

/** Names from nine locales: about 6,000 first names, 10,000 last names, 16,000 cities. */
function vocabulary(): Vocabulary {
	const locales: Faker[] = [
		fakerEN_US,
		fakerDE,
		fakerFR,
		fakerES,
		fakerIT,
		fakerPL,
		fakerNL,
		fakerSV,
		fakerPT_BR
	];
	const firsts = new Set<string>();
	const lasts = new Set<string>();
	const cities = new Set<string>();
	const companies = new Set<string>();
	const sentences = new Set<string>();
	for (const faker of locales) {
		faker.seed(20260101);
		for (let index = 0; index < 4000; index++) {
			firsts.add(faker.person.firstName());
			lasts.add(faker.person.lastName());
			cities.add(faker.location.city());
		}
		for (let index = 0; index < 600; index++) companies.add(faker.company.name());
	}
	fakerEN_US.seed(7);
	for (let index = 0; index < 3000; index++)
		sentences.add(fakerEN_US.lorem.sentence({ min: 4, max: 12 }));
	return {
		firsts: [...firsts],
		lasts: [...lasts],
		cities: [...cities],
		companies: [...companies],
		sentences: [...sentences]
	};
}

/**
 * A 5-letter fragment of last names that about `target` names contain (estimated from how often
 * the word lists contain it); emails, companies and notes may add a few more records.
 */
function chooseFragment(
	vocab: Vocabulary,
	rows: number,
	target: number
): { fragment: string; expected: number } {
	// For each list: how many of its entries contain each 5-letter fragment.
	const fragmentCounts = (list: string[]) => {
		const counts = new Map<string, number>();
		for (const entry of list) {
			const text = entry.toLowerCase();
			const seen = new Set<string>();
			for (let start = 0; start + 5 <= text.length; start++) seen.add(text.slice(start, start + 5));
			for (const fragment of seen) counts.set(fragment, (counts.get(fragment) ?? 0) + 1);
		}
		return (fragment: string) => (counts.get(fragment) ?? 0) / list.length;
	};
	const share = {
		firsts: fragmentCounts(vocab.firsts),
		lasts: fragmentCounts(vocab.lasts),
		cities: fragmentCounts(vocab.cities),
		companies: fragmentCounts(vocab.companies),
		sentences: fragmentCounts(vocab.sentences)
	};
	const fixedWords = [...STATUSES, ...TAGS, ...DOMAINS].map((word) => word.toLowerCase());
	const candidates = new Set<string>();
	for (const last of vocab.lasts) {
		const word = last.toLowerCase();
		for (let start = 0; start + 5 <= word.length; start++) {
			const fragment = word.slice(start, start + 5);
			if (/^[a-z]{5}$/.test(fragment) && !fixedWords.some((fixed) => fixed.includes(fragment)))
				candidates.add(fragment);
		}
	}
	let best = { fragment: 'xxxxx', expected: 0, distance: Infinity };
	for (const fragment of [...candidates].sort()) {
		if (share.sentences(fragment) > 0) continue;
		const expected = rows * (1 - (1 - share.firsts(fragment)) * (1 - share.lasts(fragment)));
		const distance = Math.abs(expected - target);
		if (distance < best.distance) best = { fragment, expected, distance };
	}
	return { fragment: best.fragment, expected: Math.round(best.expected) };
}

export interface LoadResult {
	entities: number;
	values: number;
	seconds: {
		entities: number;
		values: number;
		indexes: number;
		vacuumAnalyze: number;
		total: number;
	};
	workers: number;
	search: { fragment: string; expected: number };
}

/** Session settings for bulk work. `replica` skips the FK triggers: rows are consistent by construction. */
async function bulkClient(url: string): Promise<pg.Client> {
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	await client.query(`set session_replication_role = replica`);
	await client.query(`set synchronous_commit = off`);
	await client.query(`set work_mem = '256MB'`);
	await client.query(`set maintenance_work_mem = '1GB'`);
	await client.query(`set max_parallel_maintenance_workers = 2`);
	// A deterministic 0..n-1 from a record number and a salt (one per field); inlined by the planner.
	await client.query(`create function pg_temp.pick(seq bigint, salt integer, n integer) returns integer
		language sql immutable parallel safe
		as $$ select ((hashint8($1 * 64 + $2)::bigint + 2147483648) % $3)::integer $$`);
	return client;
}

const seconds = (start: number) => (performance.now() - start) / 1000;

/** The lowest uuid of the `index`-th of `parts` equal slices of the uuid space. */
function uuidBound(index: number, parts: number): string {
	const high = Math.floor((index * 2 ** 32) / parts)
		.toString(16)
		.padStart(8, '0');
	return `${high}-0000-0000-0000-000000000000`;
}

export async function loadRecords(options: {
	ownerUrl: string;
	fixture: Fixture;
	rows: number;
	workers: number;
	log: (line: string) => void;
}): Promise<LoadResult> {
	const { ownerUrl, fixture, rows, log } = options;
	const workers = Math.max(1, options.workers);
	const vocab = vocabulary();
	const search = chooseFragment(vocab, rows, Math.max(30, Math.round((300 * rows) / 1_000_000)));
	const clients = await Promise.all(Array.from({ length: workers }, () => bulkClient(ownerUrl)));
	const [main] = clients as [pg.Client, ...pg.Client[]];
	const started = performance.now();
	try {
		// Secondary indexes are dropped and rebuilt from their own definitions: building an index
		// once is far cheaper than maintaining it through ten million inserts.
		const { rows: indexes } = await main.query<{ name: string; definition: string }>(
			`select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as definition
			   from pg_index i join pg_class t on t.oid = i.indrelid
			  where t.relnamespace = 'public'::regnamespace and t.relname in ('entities', 'eav_values')
			    and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)`
		);
		for (const index of indexes) await main.query(`drop index ${index.name}`);

		let start = performance.now();
		const perWorker = Math.ceil(rows / workers);
		await Promise.all(
			clients.map((client, index) =>
				client.query(
					`insert into entities (space_id, entity_type_id, seq, position, created_at, created_by, updated_at, updated_by)
					 select $1, $2, g, g, at, $3, at, $3
					   from (select g, timestamptz '2024-01-01 00:00Z' + make_interval(secs => pg_temp.pick(g, 11, 63072000)) as at
					           from generate_series($4::bigint, $5::bigint) g) s`,
					[
						fixture.spaceId,
						fixture.typeId,
						fixture.userId,
						index * perWorker + 1,
						Math.min(rows, (index + 1) * perWorker)
					]
				)
			)
		);
		await main.query('update entity_types set next_seq = $2 where id = $1', [
			fixture.typeId,
			rows + 1
		]);
		const entitySeconds = seconds(start);
		log(`  entities: ${rows.toLocaleString('en')} rows in ${entitySeconds.toFixed(1)} s`);

		start = performance.now();
		const a = fixture.attributeIds;
		const statusPool = STATUSES.flatMap((status, index) =>
			Array<string>(STATUS_WEIGHTS[index]!).fill(status)
		);
		const valueSql = `
			insert into eav_values (entity_id, attribute_id, space_id, value_text, value_num, value_time, value_bool, value_json)
			select p.id, v.attribute_id, $1, v.t, v.n, v.ts, v.b, v.j
			  from (select e.id, e.seq as g,
			               ($4::text[])[1 + pg_temp.pick(e.seq, 1, cardinality($4::text[]))] as first,
			               ($5::text[])[1 + pg_temp.pick(e.seq, 2, cardinality($5::text[]))] as last
			          from entities e
			         where e.entity_type_id = $2 and e.id >= $3::uuid and ($20::uuid is null or e.id < $20::uuid)
			         order by e.id) p
			 cross join lateral (values
			   ($10::uuid, p.first || ' ' || p.last, null::numeric, null::timestamptz, null::boolean, null::jsonb),
			   ($11::uuid, lower(regexp_replace(p.first || '.' || p.last, '[^A-Za-z.]', '', 'g')) || p.g
			               || '@' || ($9::text[])[1 + pg_temp.pick(p.g, 3, cardinality($9::text[]))], null, null, null, null),
			   ($12::uuid, ($6::text[])[1 + pg_temp.pick(p.g, 4, cardinality($6::text[]))], null, null, null, null),
			   ($13::uuid, ($21::text[])[1 + pg_temp.pick(p.g, 5, cardinality($21::text[]))], null, null, null, null),
			   ($14::uuid, null, pg_temp.pick(p.g, 6, 10001) / 100.0, null, null, null),
			   ($15::uuid, null, null, (date '2019-01-01' + pg_temp.pick(p.g, 7, 2557))::timestamp at time zone 'UTC', null, null),
			   ($16::uuid, null, null, null, pg_temp.pick(p.g, 8, 10) = 0, null),
			   ($17::uuid, null, null, null, null,
			      (select jsonb_agg(($22::text[])[1 + (pg_temp.pick(p.g, 9, 8) + step) % 8] order by step)
			         from unnest(array[0, 3, 5]) with ordinality as s(step, n)
			        where s.n <= 1 + pg_temp.pick(p.g, 10, 3))),
			   ($18::uuid, ($7::text[])[1 + pg_temp.pick(p.g, 12, cardinality($7::text[]))], null, null, null, null),
			   ($19::uuid, ($8::text[])[1 + pg_temp.pick(p.g, 13, cardinality($8::text[]))]
			               || ' ' || ($8::text[])[1 + pg_temp.pick(p.g, 14, cardinality($8::text[]))], null, null, null, null)
			 ) v(attribute_id, t, n, ts, b, j)`;
		const valueCounts = await Promise.all(
			clients.map((client, index) =>
				client.query(valueSql, [
					fixture.spaceId,
					fixture.typeId,
					uuidBound(index, workers),
					vocab.firsts,
					vocab.lasts,
					vocab.cities,
					vocab.companies,
					vocab.sentences,
					DOMAINS,
					a.name,
					a.email,
					a.city,
					a.status,
					a.score,
					a.joined,
					a.vip,
					a.tags,
					a.company,
					a.notes,
					index + 1 < workers ? uuidBound(index + 1, workers) : null,
					statusPool,
					TAGS
				])
			)
		);
		const values = valueCounts.reduce((sum, result) => sum + (result.rowCount ?? 0), 0);
		const valueSeconds = seconds(start);
		log(
			`  eav_values: ${values.toLocaleString('en')} rows in ${valueSeconds.toFixed(1)} s (${workers} workers)`
		);

		// Two connections share the index builds; the biggest first so neither waits long.
		start = performance.now();
		const queue = [...indexes].sort(
			(x, y) => Number(y.definition.includes('gin')) - Number(x.definition.includes('gin'))
		);
		await Promise.all(
			clients.map(async (client) => {
				for (let next = queue.shift(); next; next = queue.shift())
					await client.query(next.definition);
			})
		);
		const indexSeconds = seconds(start);
		log(`  ${indexes.length} secondary indexes rebuilt in ${indexSeconds.toFixed(1)} s`);

		// VACUUM also sets the visibility map (index-only scans), as autovacuum would in time.
		start = performance.now();
		await Promise.all([
			main.query('vacuum (analyze) entities'),
			(clients[1] ?? main).query('vacuum (analyze) eav_values')
		]);
		await main.query('analyze');
		const vacuumSeconds = seconds(start);
		log(`  vacuum (analyze) in ${vacuumSeconds.toFixed(1)} s`);

		return {
			entities: rows,
			values,
			seconds: {
				entities: entitySeconds,
				values: valueSeconds,
				indexes: indexSeconds,
				vacuumAnalyze: vacuumSeconds,
				total: seconds(started)
			},
			workers,
			search
		};
	} finally {
		await Promise.all(clients.map((client) => client.end()));
	}
}

/**
 * A plain one-row-per-record table under the same policy shape, as the reference the filtered
 * count is compared with ("≤ 2× a plain table").
 */
export async function createPlainTable(ownerUrl: string, fixture: Fixture): Promise<void> {
	const client = new pg.Client({ connectionString: ownerUrl });
	await client.connect();
	try {
		await client.query('drop table if exists bench_plain_contacts');
		await client.query(
			`create table bench_plain_contacts as
			 select e.id, e.space_id, n.value_text as name, s.value_text as status
			   from entities e
			   join eav_values n on n.entity_id = e.id and n.attribute_id = $1
			   join eav_values s on s.entity_id = e.id and s.attribute_id = $2`,
			[fixture.attributeIds.name, fixture.attributeIds.status]
		);
		await client.query('alter table bench_plain_contacts add primary key (id)');
		await client.query('create index on bench_plain_contacts (space_id, status)');
		await client.query('alter table bench_plain_contacts enable row level security');
		await client.query('alter table bench_plain_contacts force row level security');
		await client.query(
			`create policy bench_plain_select on bench_plain_contacts for select
			 using (space_id = any ((select app_read_space_ids())::uuid[]))`
		);
		await client.query('grant select on bench_plain_contacts to roster_runtime');
		await client.query('vacuum (analyze) bench_plain_contacts');
	} finally {
		await client.end();
	}
}

/** Customers, and every contact linked to one of them (picked by a hash of its number). */
export async function loadCustomers(options: {
	ownerUrl: string;
	fixture: Fixture;
	customers: number;
}): Promise<void> {
	const { fixture, customers } = options;
	const client = await bulkClient(options.ownerUrl);
	try {
		await client.query(
			`insert into entities (space_id, entity_type_id, seq, position, created_by, updated_by)
			 select $1, $2, g, g, $3, $3 from generate_series(1, $4::bigint) g`,
			[fixture.spaceId, fixture.customers.typeId, fixture.userId, customers]
		);
		await client.query('update entity_types set next_seq = $2 where id = $1', [
			fixture.customers.typeId,
			customers + 1
		]);
		await client.query(
			`insert into eav_values (entity_id, attribute_id, space_id, value_text)
			 select e.id, $2, $1, 'Customer ' || e.seq from entities e where e.entity_type_id = $3`,
			[fixture.spaceId, fixture.customers.nameId, fixture.customers.typeId]
		);
		await client.query(
			`insert into eav_values (entity_id, attribute_id, space_id, value_json)
			 select e.id, $2, $1, jsonb_build_array(c.id)
			   from entities e
			   join entities c on c.entity_type_id = $4 and c.seq = 1 + pg_temp.pick(e.seq, 15, $5)
			  where e.entity_type_id = $3`,
			[fixture.spaceId, fixture.customerLinkId, fixture.typeId, fixture.customers.typeId, customers]
		);
		await client.query('vacuum (analyze) entities, eav_values');
	} finally {
		await client.end();
	}
}
