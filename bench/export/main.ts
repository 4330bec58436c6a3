// The export benchmark: load a large sheet, then export it as CSV and XLSX through the service
// (in this process) and through GET .../export on the real server, timing rows per second and
// watching memory. Prints figures, never passes or fails on them; the last line is one JSON
// object with the headline numbers.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import pg from 'pg';
import { boot, shutdown } from '$lib/server/context';
import { exportRecords } from '$lib/server/services/exports';
import { openBenchDatabase } from '../query/database';
import { prepareAppBuild, startAppServer } from '../query/http';
import { createFixture, loadRecords, type Fixture } from '../query/load';
import { describeMachine, loadAverage, rssMiB } from '../query/machine';

const AUTH_SECRET = 'bench-secret-that-is-long-enough-for-hmac-signing';
// Their own database, directory and login role: this bench may run beside the query bench.
const DATABASE = 'roster_bench_export';
const DATA_DIR = '.data/bench-export';
const RUNTIME_ROLE = 'roster_bench_export';
const CSV_GOAL_ROWS_PER_SECOND = 100_000;

const log = (line = '') => console.log(line);

const numberFromEnv = (name: string, fallback: number) => {
	const value = Number(process.env[name] ?? fallback);
	if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
	return value;
};

const format = (value: number) => Math.round(value).toLocaleString('en');

interface Run {
	label: string;
	rows: number;
	bytes: number;
	seconds: number;
	firstByteMs: number;
	rowsPerSecond: number;
	/** Resident memory of the process that exported, in MiB. */
	rssBeforeMiB: number;
	rssPeakMiB: number;
	/**
	 * Peak V8 heap in use (service runs, in this process): RSS also holds the garbage the GC
	 * has not collected yet, so this is the figure that shows whether memory stays flat.
	 */
	heapPeakMiB?: number;
	/** Milliseconds the app spent waiting on each kind of statement (service runs only). */
	statements?: Record<string, { count: number; ms: number }>;
}

/** Samples a process's RSS (and this process's heap) every 50 ms until stopped; returns the peaks. */
function watchMemory(pid: number = process.pid) {
	let rss = rssMiB(pid) ?? 0;
	let heap = 0;
	const sample = () => {
		rss = Math.max(rss, rssMiB(pid) ?? 0);
		if (pid === process.pid) heap = Math.max(heap, process.memoryUsage().heapUsed);
	};
	const timer = setInterval(sample, 50);
	return () => {
		clearInterval(timer);
		sample();
		return { rssPeakMiB: rss, heapPeakMiB: Math.round(heap / 2 ** 20) };
	};
}

/** Time the app's connection spends on each statement kind while `work` runs. */
async function timeStatements<T>(
	work: () => Promise<T>
): Promise<{ result: T; statements: Record<string, { count: number; ms: number }> }> {
	const prototype = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
	const original = prototype.query;
	const statements: Record<string, { count: number; ms: number }> = {};
	prototype.query = function (this: unknown, ...args: unknown[]) {
		const result = original.apply(this, args);
		const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string }).text;
		if (typeof text === 'string' && result instanceof Promise) {
			const kind = /^fetch /.test(text) ? 'fetch (cursor)' : 'other';
			const started = performance.now();
			void result.then(
				() => {
					const entry = (statements[kind] ??= { count: 0, ms: 0 });
					entry.count++;
					entry.ms += performance.now() - started;
				},
				() => undefined
			);
		}
		return result;
	};
	try {
		return { result: await work(), statements };
	} finally {
		prototype.query = original;
	}
}

/** Reads a stream to its end as a fast client would, counting bytes and CSV lines. */
async function drain(stream: AsyncIterable<Uint8Array>, started: number) {
	let bytes = 0;
	let lines = 0;
	let firstByteMs = 0;
	for await (const chunk of stream) {
		if (!firstByteMs) firstByteMs = performance.now() - started;
		bytes += chunk.length;
		for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
	}
	return { bytes, lines, firstByteMs };
}

async function runService(options: {
	fixture: Fixture;
	format: 'csv' | 'xlsx';
	rows: number;
	context: Awaited<ReturnType<typeof boot>>;
}): Promise<Run> {
	const { fixture, format: fileFormat, rows, context } = options;
	const rssBeforeMiB = rssMiB() ?? 0;
	const stopWatching = watchMemory();
	const started = performance.now();
	const { result, statements } = await timeStatements(async () => {
		const file = await exportRecords({
			context,
			actor: fixture.actor,
			space: fixture.spaceSlug,
			type: fixture.typeKey,
			format: fileFormat
		});
		return drain(file.stream as Readable & AsyncIterable<Uint8Array>, started);
	});
	const seconds = (performance.now() - started) / 1000;
	if (fileFormat === 'csv' && result.lines !== rows + 1)
		throw new Error(`the CSV export has ${result.lines - 1} rows, expected ${rows}`);
	return {
		label: `service ${fileFormat}`,
		rows,
		bytes: result.bytes,
		seconds,
		firstByteMs: result.firstByteMs,
		rowsPerSecond: rows / seconds,
		rssBeforeMiB,
		...stopWatching(),
		statements
	};
}

async function runHttp(options: {
	url: string;
	pid: number;
	fixture: Fixture;
	format: 'csv' | 'xlsx';
	rows: number;
}): Promise<Run> {
	const { url, pid, fixture, format: fileFormat, rows } = options;
	const rssBeforeMiB = rssMiB(pid) ?? 0;
	const stopWatching = watchMemory(pid);
	const started = performance.now();
	const response = await fetch(
		`${url}/api/spaces/${fixture.spaceSlug}/types/${fixture.typeKey}/export?format=${fileFormat}`,
		{ headers: { authorization: `Bearer ${fixture.tokenSecret}` } }
	);
	if (!response.ok || !response.body)
		throw new Error(`export over HTTP failed: ${response.status} ${await response.text()}`);
	const result = await drain(response.body as unknown as AsyncIterable<Uint8Array>, started);
	const seconds = (performance.now() - started) / 1000;
	if (fileFormat === 'csv' && result.lines !== rows + 1)
		throw new Error(`the CSV download has ${result.lines - 1} rows, expected ${rows}`);
	return {
		label: `HTTP ${fileFormat}`,
		rows,
		bytes: result.bytes,
		seconds,
		firstByteMs: result.firstByteMs,
		rowsPerSecond: rows / seconds,
		rssBeforeMiB,
		rssPeakMiB: stopWatching().rssPeakMiB
	};
}

function print(run: Run) {
	log(
		`  ${run.label.padEnd(12)} ${format(run.rowsPerSecond).padStart(9)} rows/s  ${run.seconds.toFixed(1).padStart(6)} s  ` +
			`${(run.bytes / 2 ** 20).toFixed(0).padStart(5)} MiB  first byte ${format(run.firstByteMs)} ms  ` +
			`RSS ${run.rssBeforeMiB} -> peak ${run.rssPeakMiB} MiB (+${run.rssPeakMiB - run.rssBeforeMiB})` +
			(run.heapPeakMiB === undefined ? '' : `, heap peak ${run.heapPeakMiB} MiB`)
	);
	if (run.statements) {
		const parts = Object.entries(run.statements)
			.sort(([, a], [, b]) => b.ms - a.ms)
			.map(([kind, { count, ms }]) => `${kind} ${format(ms)} ms (${format(count)}x)`);
		log(`               waiting on Postgres: ${parts.join(', ')}`);
	}
}

export async function main(): Promise<void> {
	const rows = Math.round(numberFromEnv('BENCH_ROWS', 1_000_000));
	const formats = (process.env.BENCH_FORMATS ?? 'csv,xlsx').split(',') as ('csv' | 'xlsx')[];
	const isHttp = process.env.BENCH_HTTP !== '0';
	const root = process.cwd();
	const cleanup: (() => Promise<unknown>)[] = [];
	const runCleanup = async () => {
		for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined);
	};
	for (const signal of ['SIGINT', 'SIGTERM'] as const)
		process.once(signal, () => void runCleanup().then(() => process.exit(1)));

	try {
		log(`Roster export benchmark: ${format(rows)} records x 10 fields, ${formats.join(' and ')}`);
		const database = await openBenchDatabase(log, { database: DATABASE, dataDir: DATA_DIR });
		cleanup.push(database.stop);
		const dataDir = mkdtempSync(path.join(os.tmpdir(), 'roster-bench-export-'));
		cleanup.push(async () => rmSync(dataDir, { recursive: true, force: true }));
		const appEnv = {
			DATABASE_URL: database.url,
			DATABASE_RUNTIME_ROLE: RUNTIME_ROLE,
			SEED_DEMO: 'false',
			AUTH_SECRET,
			DATA_DIR: dataDir,
			RATE_LIMIT_WRITES_PER_MINUTE: '100000'
		};
		const context = await boot({
			env: { ...appEnv, NODE_ENV: 'production' },
			log: () => undefined
		});
		cleanup.push(shutdown);

		const machine = await describeMachine(context.db.owner);
		log('');
		log('Machine');
		log(`  cpu       ${machine.cpu}, ${machine.cores} cores, ${machine.ramGiB} GiB RAM`);
		log(`  node      ${machine.node}`);
		log(`  postgres  ${machine.postgres} (${database.where})`);
		log(`  load avg  ${loadAverage()} (1/5/15 min; other processes share these cores)`);

		log('');
		log('Load (the query bench loader: fixture through the services, rows in bulk SQL)');
		const fixture = await createFixture(context);
		const load = await loadRecords({
			ownerUrl: database.url,
			fixture,
			rows,
			workers: Math.min(2, os.cpus().length),
			log
		});
		log(`  ${format(load.entities + load.values)} rows in ${load.seconds.total.toFixed(1)} s`);

		log('');
		log('Export through the service, in this process (a client that reads as fast as it can)');
		const runs: Run[] = [];
		for (const fileFormat of formats) {
			const run = await runService({ fixture, format: fileFormat, rows, context });
			print(run);
			runs.push(run);
		}

		if (isHttp) {
			log('');
			const appDir = path.join(root, DATA_DIR, 'app');
			const built = prepareAppBuild(root, appDir);
			const server = await startAppServer({ root, appDir, env: appEnv, timeoutMs: 120_000 });
			cleanup.push(server.stop);
			log(`Export over HTTP: GET .../export as a viewer token, server from ${built}`);
			for (const fileFormat of formats) {
				const run = await runHttp({
					url: server.url,
					pid: server.pid,
					fixture,
					format: fileFormat,
					rows
				});
				print(run);
				runs.push(run);
			}
		}

		const csv = runs.find((run) => run.label === 'service csv');
		if (csv) {
			log('');
			log(
				`CSV goal ${format(CSV_GOAL_ROWS_PER_SECOND)} rows/s: ${csv.rowsPerSecond >= CSV_GOAL_ROWS_PER_SECOND ? 'met' : 'not met'} (${format(csv.rowsPerSecond)} rows/s through the service)`
			);
		}
		await runCleanup();
		console.log(
			JSON.stringify(
				Object.fromEntries(
					runs.flatMap((run) => {
						const key = run.label.replace(' ', '_');
						return [
							[`${key}_rows_per_s`, Math.round(run.rowsPerSecond)],
							[`${key}_seconds`, Math.round(run.seconds * 10) / 10],
							[`${key}_rss_peak_mib`, run.rssPeakMiB],
							[`${key}_rss_growth_mib`, run.rssPeakMiB - run.rssBeforeMiB],
							...(run.heapPeakMiB === undefined ? [] : [[`${key}_heap_peak_mib`, run.heapPeakMiB]])
						];
					})
				)
			)
		);
	} catch (error) {
		console.error(error);
		await runCleanup();
		process.exit(1);
	}
}
