// The query benchmark: load, then time the app's read paths as the RLS runtime role, then the
// HTTP read endpoint under load. Prints figures, never passes or fails on them; the last line
// is one JSON object with the headline numbers.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { FilterNode, RecordQuery } from '$lib/domain/query/ast';
import { boot, shutdown, type AppContext } from '$lib/server/context';
import { getRecord, queryRecords } from '$lib/server/services/records';
import { readRecordStatement } from '$lib/server/services/records/read';
import { BENCH_DATABASE, openBenchDatabase } from './database';
import {
	driveRequests,
	measureCeilings,
	prepareAppBuild,
	startAppServer,
	type AppServer,
	type HttpResult
} from './http';
import { createFixture, createPlainTable, loadCustomers, loadRecords, type Fixture } from './load';
import { describeMachine, loadAverage, rssMiB } from './machine';
import {
	explain,
	formatSummary,
	time,
	timeStatement,
	type Statement,
	type Summary
} from './measure';

const root = process.cwd();
const OUT_DIR = path.join(root, 'bench', 'out');
const AUTH_SECRET = 'bench-secret-that-is-long-enough-for-hmac-signing';
// Its own login role: a bench run against a shared server must not re-password the app's.
const RUNTIME_ROLE = 'roster_bench';
const FILTER_STATUS = 'Qualified';
const CUSTOMERS = 1000;

const numberFromEnv = (name: string, fallback: number) => {
	const value = Number(process.env[name] ?? fallback);
	if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
	return value;
};

const log = (line = '') => console.log(line);

/** Cleanup steps, run last-registered first, once, whether the run ends well or not. */
class Cleanup {
	private steps: (() => Promise<unknown>)[] = [];
	push(step: () => Promise<unknown>) {
		this.steps.push(step);
	}
	async run() {
		for (const step of this.steps.splice(0).reverse()) {
			await step().catch((error) =>
				console.error(`cleanup: ${error instanceof Error ? error.message : error}`)
			);
		}
	}
}

/** Every statement the app sends while `work` runs, as Postgres receives it. */
async function captureStatements(work: () => Promise<unknown>): Promise<Statement[]> {
	const prototype = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
	const original = prototype.query;
	const captured: Statement[] = [];
	prototype.query = function (this: unknown, ...args: unknown[]) {
		const [text, values] = args;
		if (typeof text === 'string')
			captured.push({ sql: text, params: Array.isArray(values) ? values : [] });
		return original.apply(this, args);
	};
	try {
		await work();
	} finally {
		prototype.query = original;
	}
	return captured
		.map(unbatch)
		.filter(
			({ sql }) =>
				!/^\s*(begin|commit|rollback)\s*$/i.test(sql) &&
				!/set_config\('app\.current_user_id'/.test(sql)
		);
}

/** The app's prepared one-round-trip reads (db.ts readAs), by name. */
const preparedReads = new Map([[readRecordStatement.name, readRecordStatement]]);

/**
 * A readAs batch (BEGIN; [PREPARE]; identity; EXECUTE name('literal', ...); COMMIT) as the one
 * statement it runs, with its arguments as parameters, so it is timed and explained alone.
 */
function unbatch(statement: Statement): Statement {
	const call = /execute (\w+)\((.*)\);\s*commit\s*$/is.exec(statement.sql);
	const prepared = call && preparedReads.get(call[1]!);
	if (!call || !prepared) return statement;
	const params = call[2]!.split(/,\s*/).map((literal) => literal.replace(/^'|'$/g, ''));
	return { sql: prepared.text, params };
}

const oneLine = (sql: string, length = 110) => {
	const flat = sql.replace(/\s+/g, ' ').trim();
	return flat.length > length ? `${flat.slice(0, length - 3)}...` : flat;
};

interface Scenario {
	name: string;
	label: string;
	run: (index: number) => Promise<unknown>;
	/** Swaps the captured statement's parameters for run `index` (random ids). */
	vary?: (params: unknown[], index: number) => unknown[];
}

export async function main(): Promise<void> {
	const rows = Math.round(numberFromEnv('BENCH_ROWS', 1_000_000));
	const runs = Math.max(50, Math.round(numberFromEnv('BENCH_RUNS', 100)));
	const httpSeconds = numberFromEnv('BENCH_HTTP_SECONDS', 10);
	const connections = Math.round(numberFromEnv('BENCH_CONNECTIONS', 50));
	const timeoutSeconds = numberFromEnv('BENCH_TIMEOUT_SECONDS', 3600);
	const cleanup = new Cleanup();
	const started = performance.now();

	const stopNow = async (reason: string) => {
		console.error(`\nbench: ${reason}; stopping`);
		await cleanup.run();
		process.exit(1);
	};
	const watchdog = setTimeout(
		() => void stopNow(`time limit of ${timeoutSeconds} s reached`),
		timeoutSeconds * 1000
	);
	for (const signal of ['SIGINT', 'SIGTERM'] as const)
		process.once(signal, () => void stopNow(`got ${signal}`));

	try {
		log(
			`Roster query benchmark: ${rows.toLocaleString('en')} records x 10 fields, ${runs} runs per query`
		);
		const database = await openBenchDatabase(log);
		cleanup.push(database.stop);
		log(`Database: ${BENCH_DATABASE} on ${database.where}`);

		const dataDir = mkdtempSync(path.join(os.tmpdir(), 'roster-bench-'));
		cleanup.push(async () => rmSync(dataDir, { recursive: true, force: true }));
		const appEnv = {
			DATABASE_URL: database.url,
			DATABASE_RUNTIME_ROLE: RUNTIME_ROLE,
			SEED_DEMO: 'false',
			AUTH_SECRET,
			DATA_DIR: dataDir,
			RATE_LIMIT_WRITES_PER_MINUTE: '100000000'
		};
		const bootStart = performance.now();
		const context = await boot({
			env: { ...appEnv, NODE_ENV: 'production' },
			log: (line) => log(`  app: ${line}`)
		});
		cleanup.push(shutdown);
		log(
			`Booted the app context (migrations, runtime role "${RUNTIME_ROLE}") in ${((performance.now() - bootStart) / 1000).toFixed(1)} s`
		);

		const machine = await describeMachine(context.db.owner);
		log('');
		log('Machine');
		log(`  cpu       ${machine.cpu}, ${machine.cores} cores, ${machine.ramGiB} GiB RAM`);
		log(`  node      ${machine.node}`);
		log(`  postgres  ${machine.postgres}`);
		log(
			`  settings  ${Object.entries(machine.settings)
				.map(([name, value]) => `${name}=${value}`)
				.join(' ')}`
		);
		log(`  load avg  ${loadAverage()} (1/5/15 min; other processes share these cores)`);

		const fixture = await createFixture(context);
		log('');
		log(`Load (user, space, type and 10 fields through the services; rows in SQL as the owner)`);
		const load = await loadRecords({
			ownerUrl: database.url,
			fixture,
			rows,
			workers: Math.min(4, os.cpus().length),
			log
		});
		const loadedRows = load.entities + load.values;
		log(
			`  total ${load.seconds.total.toFixed(1)} s for ${loadedRows.toLocaleString('en')} rows: ${Math.round(loadedRows / load.seconds.total).toLocaleString('en')} rows/s ` +
				`(inserts alone ${Math.round(loadedRows / (load.seconds.entities + load.seconds.values)).toLocaleString('en')} rows/s)`
		);
		await createPlainTable(database.url, fixture);
		const customerStart = performance.now();
		await loadCustomers({ ownerUrl: database.url, fixture, customers: CUSTOMERS });
		log(
			`  ${CUSTOMERS.toLocaleString('en')} customers and a customer link on every contact in ${((performance.now() - customerStart) / 1000).toFixed(1)} s`
		);

		const sizes = await context.db.owner.query<{
			db: string;
			entities: string;
			values: string;
			values_indexes: string;
		}>(
			`select pg_size_pretty(pg_database_size(current_database())) as db,
			        pg_size_pretty(pg_total_relation_size('entities')) as entities,
			        pg_size_pretty(pg_table_size('eav_values')) as values,
			        pg_size_pretty(pg_indexes_size('eav_values')) as values_indexes`
		);
		const size = sizes.rows[0]!;
		log(
			`  database ${size.db} (entities ${size.entities}; eav_values ${size.values} + indexes ${size.values_indexes})`
		);

		const searchMatches = await context.db.owner.query<{ records: number; names: number }>(
			`select count(distinct entity_id)::int as records, count(*) filter (where attribute_id = $3)::int as names
			   from eav_values where attribute_id = any ($1::uuid[]) and value_text ilike $2`,
			[
				['name', 'email', 'city', 'status', 'company', 'notes'].map(
					(key) => fixture.attributeIds[key as keyof Fixture['attributeIds']]
				),
				`%${load.search.fragment}%`,
				fixture.attributeIds.name
			]
		);
		const matches = searchMatches.rows[0]!;
		log(
			`  search fragment "${load.search.fragment}": in ${matches.names} names, ${matches.records} records in all`
		);

		const ids = await sampleIds(context, fixture, rows, 20_000);

		const results = await measureQueries({
			context,
			fixture,
			runs,
			ids,
			fragment: load.search.fragment
		});

		log('');
		log(
			`HTTP: ${connections} connections, ${httpSeconds} s per run, ${ids.length.toLocaleString('en')} random ids`
		);
		const http = await measureHttp({
			appEnv,
			fixture,
			ids,
			connections,
			seconds: httpSeconds,
			cleanup
		});

		const benchRss = rssMiB();
		log('');
		log('Memory');
		log(
			`  bench process RSS ${benchRss ?? '?'} MiB${http.serverRssMiB ? `, app server RSS ${http.serverRssMiB} MiB` : ''}`
		);
		log(`  Postgres database ${size.db}; shared_buffers ${machine.settings.shared_buffers}`);
		log(`Done in ${((performance.now() - started) / 1000).toFixed(0)} s; plans in bench/out/`);

		await cleanup.run();
		const figure = (name: string) => {
			const summary = results[name]!;
			return {
				[`${name}_p50_ms`]: summary.p50,
				[`${name}_p95_ms`]: summary.p95,
				[`${name}_p99_ms`]: summary.p99,
				[`${name}_mean_ms`]: summary.mean
			};
		};
		console.log(
			JSON.stringify({
				rows: loadedRows,
				entities: load.entities,
				load_seconds: Math.round(load.seconds.total * 10) / 10,
				load_rows_per_s: Math.round(loadedRows / load.seconds.total),
				...figure('sorted_page'),
				...figure('filtered_page'),
				...figure('search'),
				...figure('filtered_count'),
				...figure('plain_table_count'),
				...figure('read_by_id'),
				...Object.fromEntries(
					Object.entries(http.runs ?? {}).flatMap(([name, run]) => [
						[`${name}_rps`, run.rps],
						[`${name}_latency_p50_ms`, run.latencyP50Ms],
						[`${name}_latency_p99_ms`, run.latencyP99Ms],
						[`${name}_non2xx`, run.non2xx]
					])
				),
				unauthorized_floor_rps: http.ceilings?.unauthorizedRps ?? null,
				health_rps: http.ceilings?.healthRps ?? null,
				...(http.error ? { entity_read_error: http.error } : {}),
				db_size: size.db,
				bench_rss_mib: benchRss ?? null,
				server_rss_mib: http.serverRssMiB ?? null,
				load_avg_at_end: loadAverage(),
				cpu: machine.cpu,
				cores: machine.cores,
				ram_gib: machine.ramGiB,
				node: machine.node,
				postgres: machine.postgres
			})
		);
	} catch (error) {
		await cleanup.run();
		throw error;
	} finally {
		clearTimeout(watchdog);
	}
}

async function sampleIds(
	context: AppContext,
	fixture: Fixture,
	rows: number,
	count: number
): Promise<string[]> {
	const seqs = Array.from(
		{ length: Math.min(count, rows) },
		() => 1 + Math.floor(Math.random() * rows)
	);
	const { rows: found } = await context.db.owner.query<{ id: string }>(
		'select id from entities where space_id = $1 and entity_type_id = $2 and seq = any ($3::bigint[])',
		[fixture.spaceId, fixture.typeId, seqs]
	);
	const ids = found.map((row) => row.id);
	for (let index = ids.length - 1; index > 0; index--) {
		const other = Math.floor(Math.random() * (index + 1));
		[ids[index], ids[other]] = [ids[other]!, ids[index]!];
	}
	return ids;
}

async function measureQueries(options: {
	context: AppContext;
	fixture: Fixture;
	runs: number;
	ids: string[];
	fragment: string;
}): Promise<Record<string, Summary>> {
	const { context, fixture, runs, ids, fragment } = options;
	const { actor, spaceId, typeKey } = fixture;
	const byName: RecordQuery['sort'] = [{ field: 'name', direction: 'asc' }];
	const statusFilter: FilterNode = {
		type: 'condition',
		field: 'status',
		operator: 'eq',
		value: FILTER_STATUS
	};
	const page = (query: RecordQuery, count = false) =>
		queryRecords({ context, actor, space: spaceId, type: typeKey, query, count });

	// Sanity: the answers are what the data says, so the timings are of real work.
	const sorted = await page({ sort: byName, limit: 50 });
	const names = sorted.records.map((record) => String(record.name));
	const expected = await context.db.owner.query<{ name: string }>(
		'select value_text as name from eav_values where attribute_id = $1 order by value_text, entity_id limit 50',
		[fixture.attributeIds.name]
	);
	const isSorted = expected.rows.every((row, index) => row.name === names[index]);
	const counted = await page({ filter: statusFilter, limit: 1 }, true);
	const searched = await page({ search: fragment, sort: byName, limit: 50 });
	const one = await getRecord({ context, actor, id: ids[0]! });
	log('');
	log(
		`Checks: sorted page ${sorted.records.length} records (first "${names[0]}", same order as SQL on the owner: ${isSorted}); ` +
			`${FILTER_STATUS} count ${counted.total}; search page ${searched.records.length} records; read by id -> ${one.name}`
	);

	const scenarios: Scenario[] = [
		{
			name: 'sorted_page',
			label: 'sorted page (50 by name)',
			run: () => page({ sort: byName, limit: 50 })
		},
		{
			name: 'filtered_page',
			label: `filtered page (status=${FILTER_STATUS})`,
			run: () => page({ sort: byName, filter: statusFilter, limit: 50 })
		},
		{
			name: 'search',
			label: `search "${fragment}" (sorted by name)`,
			run: () => page({ search: fragment, sort: byName, limit: 50 })
		},
		{
			name: 'filtered_count',
			label: `count (status=${FILTER_STATUS}, limit 1)`,
			run: () => page({ filter: statusFilter, limit: 1 }, true)
		},
		{
			name: 'read_by_id',
			label: 'read by id (getRecord, random ids)',
			run: (index) => getRecord({ context, actor, id: ids[index % ids.length]! }),
			vary: (params, index) =>
				params.map((param) =>
					param === ids[0]
						? ids[index % ids.length]
						: Array.isArray(param) && param[0] === ids[0]
							? [ids[index % ids.length]]
							: param
				)
		}
	];

	const results: Record<string, Summary> = {};
	log('');
	log(
		`Service calls as the runtime role (queryRecords / getRecord, each its own transaction), ms; load avg ${loadAverage()}`
	);
	for (const scenario of scenarios) {
		results[scenario.name] = await time(runs, scenario.run);
		log(formatSummary(scenario.label, results[scenario.name]!));
	}

	// The plain table reference for the count: one row per record, same policy shape.
	const plainCount: Statement = {
		sql: 'select count(*)::int as count from bench_plain_contacts where space_id = $1 and status = $2',
		params: [spaceId, FILTER_STATUS]
	};
	results.plain_table_count = await timeStatement(context, actor, runs, () => plainCount);
	log(formatSummary('reference: count on a plain table', results.plain_table_count));

	log('');
	log('The same calls statement by statement (raw SQL on one open runtime-role transaction), ms');
	const plans: { name: string; statement: Statement; p95: number }[] = [];
	for (const scenario of scenarios) {
		const statements = await captureStatements(() => scenario.run(0));
		log(`  ${scenario.label}`);
		let sum = 0;
		for (const [index, statement] of statements.entries()) {
			// The service figures above are the headline; here 50 runs (10 when slow) show the split.
			const summary = await timeStatement(
				context,
				actor,
				Math.min(runs, 50),
				(run) => ({
					sql: statement.sql,
					params: scenario.vary ? scenario.vary(statement.params, run) : statement.params
				}),
				10
			);
			sum += summary.p50;
			const cell = (value: number) => value.toFixed(3).padStart(8);
			log(
				`    ${String(index + 1).padStart(2)}. p50 ${cell(summary.p50)}  p95 ${cell(summary.p95)}  n=${String(summary.runs).padEnd(3)} ${oneLine(statement.sql, 100)}`
			);
			plans.push({ name: `${scenario.name}.${index + 1}`, statement, p95: summary.p95 });
		}
		log(
			`    sum of p50s ${sum.toFixed(2)} ms; the rest of the service call is pool checkout, BEGIN, set_config, COMMIT and JS`
		);
	}
	plans.push({
		name: 'plain_table_count',
		statement: plainCount,
		p95: results.plain_table_count.p95
	});

	log('');
	log('EXPLAIN (ANALYZE, BUFFERS) as the runtime role (full plans in bench/out/<name>.txt)');
	for (const plan of plans) {
		const lines = await explain({
			context,
			actor,
			name: plan.name,
			statement: plan.statement,
			outDir: OUT_DIR,
			topLines: plan.p95 >= 1 ? 14 : 3
		});
		log(`  -- ${plan.name}: ${oneLine(plan.statement.sql, 90)}`);
		for (const line of lines) log(`     ${line}`);
	}
	return results;
}

/** The HTTP runs: each a request shape, driven with random ids. */
function httpRuns(fixture: Fixture, ids: string[]) {
	let next = 0;
	const id = () => ids[next++ % ids.length]!;
	const rest = `/api/spaces/${fixture.spaceSlug}/rest/${fixture.typeKey}`;
	return [
		{
			name: 'entity_read',
			label: 'GET /api/data/entity/[id], viewer token',
			token: fixture.tokenSecret,
			next: () => ({ method: 'GET' as const, path: `/api/data/entity/${id()}` })
		},
		{
			name: 'collection_page',
			label: `GET rest/${fixture.typeKey}?order=name&limit=50, viewer token`,
			token: fixture.tokenSecret,
			next: () => ({ method: 'GET' as const, path: `${rest}?order=name&limit=50` })
		},
		{
			name: 'patch_one',
			label: `PATCH rest/${fixture.typeKey}?id=eq.[id] {score}, editor token`,
			token: fixture.editorTokenSecret,
			next: () => ({
				method: 'PATCH' as const,
				path: `${rest}?id=eq.${id()}`,
				headers: { 'content-type': 'application/json', prefer: 'return=minimal' },
				body: JSON.stringify({ score: next % 1000 })
			})
		},
		{
			name: 'embed_page',
			label: `GET rest/${fixture.typeKey}?select=name,customer(name)&order=name&limit=50, viewer token`,
			token: fixture.tokenSecret,
			next: () => ({
				method: 'GET' as const,
				path: `${rest}?select=name,customer(name)&order=name&limit=50`
			})
		}
	];
}

async function measureHttp(options: {
	appEnv: Record<string, string>;
	fixture: Fixture;
	ids: string[];
	connections: number;
	seconds: number;
	cleanup: Cleanup;
}): Promise<{
	runs?: Record<string, HttpResult>;
	ceilings?: { unauthorizedRps: number; healthRps: number };
	serverRssMiB?: number;
	error?: string;
}> {
	let server: AppServer;
	try {
		const appDir = path.join(root, '.data', 'bench', 'app');
		log(`  serving ${prepareAppBuild(root, appDir)}`);
		server = await startAppServer({ root, appDir, env: options.appEnv, timeoutMs: 120_000 });
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		log(
			`  SKIPPED: the app server could not start, so no HTTP figures this run.\n  ${message.replace(/\n/g, '\n  ')}`
		);
		return { error: message.split('\n')[0] };
	}
	options.cleanup.push(server.stop);
	try {
		const runs: Record<string, HttpResult> = {};
		let serverRssMiB: number | undefined;
		for (const run of httpRuns(options.fixture, options.ids)) {
			log('');
			log(`  ${run.label}`);
			const probe = run.next();
			const answer = await fetch(`${server.url}${probe.path}`, {
				method: probe.method,
				headers: { authorization: `Bearer ${run.token}`, ...probe.headers },
				body: probe.body
			});
			const body = await answer.text();
			if (!answer.ok) {
				log(`    SKIPPED: a single request answered ${answer.status}: ${body.slice(0, 300)}`);
				continue;
			}
			log(`    load avg before the run ${loadAverage()}`);
			const result = await driveRequests({
				server,
				token: run.token,
				next: run.next,
				connections: options.connections,
				seconds: options.seconds
			});
			runs[run.name] = result;
			serverRssMiB = result.serverRssMiB;
			log(
				`    ${result.rps.toLocaleString('en')} req/s (${result.requests.toLocaleString('en')} requests in ${result.seconds} s)`
			);
			log(
				`    latency p50 ${result.latencyP50Ms} ms, p99 ${result.latencyP99Ms} ms, mean ${result.latencyMeanMs} ms`
			);
			log(`    non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}`);
			log(
				`    cpu: app server ${result.serverCpuPercent ?? '?'}% of a core, load generator ${result.loadGeneratorCpuPercent}%, ` +
					`machine ${result.machineBusyPercent ?? '?'}% busy (Postgres is most of the rest)`
			);
		}
		const ceilings = await measureCeilings(server, 5);
		log('');
		log(
			`  ceilings of this server here: ${ceilings.unauthorizedRps.toLocaleString('en')} req/s for a 401 from the hooks (no database), ` +
				`${ceilings.healthRps.toLocaleString('en')} req/s for /api/health (one query)`
		);
		const health = ceilings.healthRps;
		for (const [name, run] of Object.entries(runs)) {
			log(
				`  ${name.padEnd(16)} ${String(run.rps).padStart(6)} req/s = ${Math.round((run.rps / health) * 100)}% of /api/health, p99 ${run.latencyP99Ms} ms`
			);
		}
		return { runs, ceilings, serverRssMiB };
	} finally {
		await server.stop();
	}
}
