// Times the record page's Sources read (readProvenance: the newest audit row of each of 20
// fields, one query) as the runtime role, on a record with a long history among 500,000 audit
// rows, with the per-field index 0013 adds and, as the reference in the same run, without it.
import os from 'node:os';
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Actor } from '$lib/server/auth/actor';
import { boot, shutdown, type AppContext } from '$lib/server/context';
import { withActor, withAnonymous } from '$lib/server/db';
import { addAttribute } from '$lib/server/services/attributes';
import { createEntityType } from '$lib/server/services/entity-types';
import { readProvenance } from '$lib/server/services/merge/provenance';
import { createRecords } from '$lib/server/services/records';
import { findEntityType, loadEntityTypes, resolveSpace } from '$lib/server/services/schema';

const DATABASE = 'roster_bench_provenance';
const RUNS = 500;
const FIELDS = 20;
const OTHER_ROWS = 500_000;
/** The record's own history: a long text typed in many small edits, and the other fields. */
const OWN_ROWS = 20_000;

const percentile = (sorted: number[], p: number) =>
	sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function time(label: string, work: () => Promise<unknown>) {
	for (let warm = 0; warm < 20; warm++) await work();
	const durations: number[] = [];
	const started = performance.now();
	for (let run = 0; run < RUNS; run++) {
		const at = performance.now();
		await work();
		durations.push(performance.now() - at);
	}
	const elapsed = performance.now() - started;
	durations.sort((a, b) => a - b);
	const figures = {
		label,
		medianMs: Number(percentile(durations, 50).toFixed(3)),
		p99Ms: Number(percentile(durations, 99).toFixed(3)),
		perSecond: Math.round((RUNS / elapsed) * 1000),
		rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20)
	};
	console.log(
		`${label.padEnd(34)} median ${figures.medianMs} ms, p99 ${figures.p99Ms} ms, ${figures.perSecond}/s, rss ${figures.rssMiB} MiB`
	);
	return figures;
}

async function seed(context: AppContext, actor: Actor) {
	const slug = 'bench-provenance';
	await withActor(context.db.runtime, actor, (tx) =>
		tx.query('select app_create_space($1, $2)', [slug, 'Provenance bench'])
	);
	await createEntityType({ context, actor, space: slug, input: { name: 'People', key: 'people' } });
	for (let index = 0; index < FIELDS; index++) {
		await addAttribute({
			context,
			actor,
			space: slug,
			type: 'people',
			input: { name: `Field ${index}`, kind: index === 0 ? 'long_text' : 'text' }
		});
	}
	const created = await createRecords({
		context,
		actor,
		space: slug,
		type: 'people',
		values: Array.from({ length: 1_000 }, (_, row) => ({ field_1: `Person ${row}` }))
	});
	const ids = created.created.map((record) => record.id);
	const target = ids[0]!;
	// Other records' history, then the target's: most of it typing in field_0.
	await context.db.owner.query(
		`insert into audit_log (space_id, entity_type_id, entity_id, attribute_key, actor_id, via, action, new_value)
		 select t.space_id, t.id, ($2::uuid[])[1 + (g % (cardinality($2::uuid[]) - 1)) + 1],
		        'field_' || (g % $3), $1, 'web', 'update', to_jsonb(g::text)
		   from generate_series(1, $4) g, entity_types t where t.key = 'people'`,
		[actor.userId, ids, FIELDS, OTHER_ROWS]
	);
	await context.db.owner.query(
		`insert into audit_log (space_id, entity_type_id, entity_id, attribute_key, actor_id, via, action, new_value)
		 select t.space_id, t.id, $2, case when g % 10 = 0 then 'field_' || ((g / 10) % $3) else 'field_0' end,
		        $1, 'realtime', 'update', to_jsonb(g::text)
		   from generate_series(1, $4) g, entity_types t where t.key = 'people'`,
		[actor.userId, target, FIELDS, OWN_ROWS]
	);
	await context.db.owner.query('analyze audit_log');
	return { slug, target };
}

export async function main(): Promise<void> {
	const ownerUrl = process.env.DATABASE_URL;
	if (!ownerUrl)
		throw new Error('Set DATABASE_URL to a Postgres server the bench may add a database to');
	const admin = new pg.Client({ connectionString: ownerUrl });
	await admin.connect();
	await admin.query(`drop database if exists ${DATABASE} with (force)`);
	await admin.query(`create database ${DATABASE}`);
	await admin.end();
	const url = new URL(ownerUrl);
	url.pathname = `/${DATABASE}`;

	console.log(
		`${os.cpus()[0]?.model} x${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, load ${os.loadavg()[0]?.toFixed(1)}`
	);
	const context = await boot({
		env: {
			DATABASE_URL: url.toString(),
			DATABASE_RUNTIME_ROLE: 'roster_bench_provenance_app',
			DATABASE_CREDENTIALS_ROLE: 'roster_bench_provenance_sign_in',
			AUTH_SECRET: 'bench-secret-that-is-long-enough-for-hmac',
			DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'roster-bench-')),
			RATE_LIMIT_WRITES_PER_MINUTE: '100000',
			SEED_DEMO: 'false'
		},
		log: () => undefined
	});
	try {
		const userId = await withAnonymous(context.db.runtime, async (tx) => {
			const { rows } = await tx.query<{ id: string }>(
				"select app_register_user('bench@example.test', 'Bench', null) as id"
			);
			return rows[0]!.id;
		});
		const actor: Actor = { userId, via: 'web' };
		const { slug, target } = await seed(context, actor);
		const { space, type } = await withActor(context.db.runtime, actor, async (tx) => {
			const space = await resolveSpace(tx, slug);
			return { space, type: findEntityType(await loadEntityTypes({ tx, space }), 'people') };
		});
		// One transaction as the runtime role (identity set for RLS) around the one query.
		const read = () =>
			withActor(context.db.runtime, actor, (tx) => readProvenance(tx, space.id, type, target));
		const fields = (await read()).fields.length;
		if (fields !== FIELDS)
			throw new Error(
				`Expected ${FIELDS} origins, read ${fields}: ${type.attributes.map((a) => a.key).join()}`
			);
		const withIndex = await time('readProvenance (per-field index)', read);
		await context.db.owner.query('drop index audit_log_entity_field_idx');
		await context.db.owner.query('analyze audit_log');
		const without = await time('readProvenance (without it)', read);
		console.log(
			`ratio without/with: median ${(without.medianMs / withIndex.medianMs).toFixed(1)}x, p99 ${(without.p99Ms / withIndex.p99Ms).toFixed(1)}x`
		);
		console.log(
			JSON.stringify({
				runs: RUNS,
				fields: FIELDS,
				auditRows: OTHER_ROWS + OWN_ROWS,
				results: [withIndex, without]
			})
		);
	} finally {
		await shutdown();
		const cleanup = new pg.Client({ connectionString: ownerUrl });
		await cleanup.connect();
		await cleanup.query(`drop database if exists ${DATABASE} with (force)`);
		await cleanup.end();
	}
}
