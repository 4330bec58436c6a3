// The realtime benchmark: socket.io clients in worker processes join one sheet (in the ramp,
// one of several) and edit it at a fixed total rate; it prints connect time, propagation and
// ack latency, throughput, CPU and memory of the app processes and of the load generator, for
// four shapes (see bench/README.md). It never passes or fails on the figures; the last line is
// one JSON object.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { boot, shutdown } from '$lib/server/context';
import { redisServerBinary, startRedisServer } from '../../tests/support/redis-server';
import { openBenchDatabase } from '../query/database';
import { prepareAppBuild } from '../query/http';
import { cpuSeconds, describeMachine, loadAverage, machineJiffies, rssKiB } from '../query/machine';
import { summarize, type Summary } from '../query/measure';
import { clock, sleep } from './clock';
import { createSheet } from './fixture';
import { Histogram, type LatencySummary } from './histogram';
import {
	serverOf,
	type ClientPlan,
	type EditStats,
	type Failures,
	type SheetTarget
} from './messages';
import { probeRealtime, startAppProcess, type AppProcess } from './servers';
import { cpuSecondsBetween, cpuSecondsByName, schedulerNs } from './proc';
import { WorkerPool } from './workers';

const root = process.cwd();
const DATABASE = 'roster_bench_realtime';
const DATA_DIR = path.join(root, '.data', 'bench-realtime');
const AUTH_SECRET = 'bench-realtime-secret-that-is-long-enough-for-hmac';
// Its own login role, so a run never re-passwords the app's role or the query bench's.
const RUNTIME_ROLE = 'roster_bench_rt';
/** Records per sheet: one per client of the sheet, up to this many. */
const MAX_RECORDS = 2_000;
const RUN_KEYS = ['single', 'large', 'two', 'ramp'] as const;
/** The ramp's total edit rates, edits/s, one step each (`BENCH_RAMP_RATES`). */
const RAMP_RATES = [200, 400, 700, 1000, 1400, 2000, 2800, 4000];
/** The ramp's sheets (`BENCH_RAMP_SHEETS`): its clients are spread over them, one each. */
const RAMP_SHEETS = 20;
type RunKey = (typeof RUN_KEYS)[number];

const log = (line = '') => console.log(line);

const numberFromEnv = (name: string, fallback: number, minimum = 1) => {
	const value = Number(process.env[name] ?? fallback);
	if (!Number.isFinite(value) || value < minimum)
		throw new Error(`${name} must be a number of at least ${minimum}`);
	return value;
};

interface Settings {
	clients: number;
	largeClients: number;
	editors: number | undefined;
	rate: number;
	seconds: number;
	warmupSeconds: number;
	drainSeconds: number;
	workers: number;
	concurrency: number;
	runs: RunKey[];
	rampRates: number[];
	rampSeconds: number;
	rampSheets: number;
	serverNodeArgs: string[];
	timeoutSeconds: number;
}

function readSettings(): Settings {
	const clients = Math.round(numberFromEnv('BENCH_CLIENTS', 1000));
	const runs = (process.env.BENCH_RUNS ?? RUN_KEYS.join(','))
		.split(',')
		.map((run) => run.trim())
		.filter(Boolean);
	const unknown = runs.filter((run) => !RUN_KEYS.includes(run as RunKey));
	if (unknown.length || !runs.length)
		throw new Error(`BENCH_RUNS takes a comma list of ${RUN_KEYS.join(', ')}`);
	const rampRates = (process.env.BENCH_RAMP_RATES ?? RAMP_RATES.join(','))
		.split(',')
		.map((rate) => rate.trim())
		.filter(Boolean)
		.map(Number);
	if (!rampRates.length || rampRates.some((rate) => !Number.isFinite(rate) || rate <= 0))
		throw new Error('BENCH_RAMP_RATES takes a comma list of edit rates above 0 (edits/s)');
	return {
		clients,
		largeClients: Math.round(numberFromEnv('BENCH_LARGE_CLIENTS', clients * 10)),
		editors: process.env.BENCH_EDITORS
			? Math.round(numberFromEnv('BENCH_EDITORS', 0, 0))
			: undefined,
		rate: numberFromEnv('BENCH_RATE', 200, 0),
		seconds: numberFromEnv('BENCH_SECONDS', 30),
		warmupSeconds: numberFromEnv('BENCH_WARMUP_SECONDS', 3, 0),
		drainSeconds: numberFromEnv('BENCH_DRAIN_SECONDS', 120),
		workers: Math.round(
			numberFromEnv('BENCH_WORKERS', Math.min(8, Math.max(4, os.availableParallelism())))
		),
		concurrency: Math.round(numberFromEnv('BENCH_CONNECT_CONCURRENCY', 50)),
		runs: RUN_KEYS.filter((key) => runs.includes(key)),
		rampRates,
		rampSeconds: numberFromEnv('BENCH_RAMP_SECONDS', 10),
		rampSheets: Math.round(numberFromEnv('BENCH_RAMP_SHEETS', RAMP_SHEETS)),
		serverNodeArgs: (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean),
		timeoutSeconds: numberFromEnv('BENCH_TIMEOUT_SECONDS', 3600)
	};
}

/** The hard limit on open files that child processes can raise their soft limit to. */
function hardFileLimit(): number | undefined {
	try {
		const value = execFileSync('/bin/sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim();
		return value === 'unlimited' ? Infinity : Number(value) || undefined;
	} catch {
		return undefined;
	}
}

/** Cleanup steps, run last-registered first, once, whether the run ends well or not. */
class Cleanup {
	private steps: (() => Promise<unknown>)[] = [];
	push(step: () => Promise<unknown>) {
		this.steps.push(step);
	}
	/** Runs the steps registered since `mark` (a length returned by `mark()`). */
	mark(): number {
		return this.steps.length;
	}
	async run(since = 0) {
		for (const step of this.steps.splice(since).reverse()) {
			await step().catch((error) =>
				console.error(`cleanup: ${error instanceof Error ? error.message : error}`)
			);
		}
	}
}

interface RunPlan {
	key: RunKey;
	label: string;
	clients: number;
	editors: number;
	servers: number;
	/**
	 * Sheets the clients are spread over: client `i` joins sheet `i mod sheets` only and edits
	 * a record of its own there. One, except in the ramp.
	 */
	sheets: number;
}

interface Environment {
	settings: Settings;
	databaseUrl: string;
	redisUrl: string | undefined;
	appDir: string;
	cleanup: Cleanup;
	context: Awaited<ReturnType<typeof boot>>;
}

interface CpuSnapshot {
	servers: (number | undefined)[];
	/** Scheduler times of each app process's main thread (the event loop). */
	serverThreads: ReturnType<typeof schedulerNs>[];
	workers: (number | undefined)[];
	postgres: ReturnType<typeof cpuSecondsByName>;
	machine: ReturnType<typeof machineJiffies>;
	at: number;
}

function snapshot(servers: AppProcess[], pool: WorkerPool): CpuSnapshot {
	return {
		servers: servers.map((server) => cpuSeconds(server.pid)),
		serverThreads: servers.map((server) => schedulerNs(server.pid)),
		workers: pool.pids.map((pid) => cpuSeconds(pid)),
		postgres: cpuSecondsByName('postgres'),
		machine: machineJiffies(),
		at: clock()
	};
}

/**
 * CPU between two snapshots as % of one core: per app process, load generator, Postgres,
 * machine; and how long each app event loop waited for a core although it could have run.
 */
function cpuBetween(before: CpuSnapshot, after: CpuSnapshot) {
	const seconds = (after.at - before.at) / 1000;
	const percent = (from: number | undefined, to: number | undefined) =>
		from === undefined || to === undefined ? null : Math.round(((to - from) / seconds) * 100);
	const servers = before.servers.map((from, index) => percent(from, after.servers[index]));
	const workers = before.workers.map((from, index) => percent(from, after.workers[index]));
	const serverWaits = before.serverThreads.map((from, index) => {
		const to = after.serverThreads[index];
		return from && to ? Math.round((to.wait - from.wait) / 1e7 / seconds) : null;
	});
	const total = (values: (number | null)[]) =>
		values.every((value) => value !== null)
			? values.reduce<number>((sum, value) => sum + value!, 0)
			: null;
	const cores = (from: number | undefined, to: number | undefined) =>
		from === undefined || to === undefined ? null : (to - from) / seconds;
	const postgresSeconds = cpuSecondsBetween(before.postgres, after.postgres);
	return {
		servers,
		server: total(servers),
		loadGenerator: total(workers),
		postgres: percent(0, postgresSeconds),
		/** The same for the app process(es) together and Postgres, unrounded, in cores (1 = one). */
		serverCores: total(before.servers.map((from, index) => cores(from, after.servers[index]))),
		postgresCores: cores(0, postgresSeconds),
		serverWaits,
		machine:
			before.machine && after.machine
				? Math.round(
						((after.machine.busy - before.machine.busy) /
							(after.machine.total - before.machine.total)) *
							100
					)
				: null
	};
}

const totalKiB = (pids: number[]) => {
	const values = pids.map((pid) => rssKiB(pid));
	return values.every((value) => value !== undefined)
		? values.reduce<number>((sum, value) => sum + value!, 0)
		: null;
};

const summaryOf = (samples: number[]): Summary | null =>
	samples.length ? summarize(samples) : null;

function mergeFailures(all: Failures[]): Failures {
	const merged: Failures = { count: 0, reasons: {} };
	for (const failures of all) {
		merged.count += failures.count;
		for (const [reason, count] of Object.entries(failures.reasons))
			merged.reasons[reason] = (merged.reasons[reason] ?? 0) + count;
	}
	return merged;
}

const mergeCounts = (all: Record<string, number>[]) =>
	mergeFailures(all.map((reasons) => ({ count: 0, reasons }))).reasons;

const describeFailures = (failures: Failures) =>
	failures.count
		? `${failures.count.toLocaleString('en')} (${Object.entries(failures.reasons)
				.map(([reason, count]) => `${reason} x${count}`)
				.join(', ')})`
		: '0';

const fixed = (value: number | null | undefined, digits = 1) =>
	value === null || value === undefined ? '-' : value.toFixed(digits);
const count = (value: number) => value.toLocaleString('en');
const mib = (kib: number | null) => (kib === null ? '?' : `${(kib / 1024).toFixed(0)} MiB`);

interface EditFigures {
	stats: EditStats[];
	propagation: LatencySummary;
	crossProcess: LatencySummary | null;
	allReceived: LatencySummary;
	editsMeasured: number;
	editsReachingAll: number;
	/**
	 * Other clients an edit should reach: those joined to the sender's sheet but the sender
	 * (with several sheets, the most over the sheets).
	 */
	expectedReceivers: number;
	/** (Edit, receiver) pairs the measured edits should make, summed over the edits. */
	expectedPairs: number;
	ack: Summary | null;
}

/**
 * Joins the workers' reports: every (edit, receiver) pair, and per edit its slowest receiver.
 * `joinedPerSheet` counts the clients joined to each sheet, `sheetOf` names a client's sheet:
 * an edit should reach every client of its sender's sheet but the sender.
 */
function combineReports(
	reports: EditStats[],
	joinedPerSheet: number[],
	sheetOf: (client: number) => number,
	servers: number
): Omit<EditFigures, 'stats'> {
	const propagation = new Histogram();
	const crossProcess = new Histogram();
	const perEdit = new Map<string, [number, number]>();
	for (const report of reports) {
		propagation.add(report.propagation);
		crossProcess.add(report.crossProcess);
		for (const [key, [receivers, slowest]] of Object.entries(report.perEdit)) {
			const seen = perEdit.get(key);
			if (seen) {
				seen[0] += receivers;
				seen[1] = Math.max(seen[1], slowest);
			} else perEdit.set(key, [receivers, slowest]);
		}
	}
	// A key is `sender:seq`.
	const expectedFor = (key: string) =>
		joinedPerSheet[sheetOf(Number(key.slice(0, key.indexOf(':'))))]! - 1;
	const allReceived = new Histogram();
	let editsMeasured = 0;
	let expectedPairs = 0;
	for (const report of reports) {
		for (const key of report.sentKeys) {
			editsMeasured++;
			const expected = expectedFor(key);
			expectedPairs += expected;
			const seen = perEdit.get(key);
			if (seen && seen[0] >= expected) allReceived.record(seen[1]);
		}
	}
	return {
		propagation: propagation.summary(),
		crossProcess: servers > 1 ? crossProcess.summary() : null,
		allReceived: allReceived.summary(),
		editsMeasured,
		editsReachingAll: allReceived.total,
		expectedReceivers: Math.max(...joinedPerSheet) - 1,
		expectedPairs,
		ack: summaryOf(reports.flatMap((report) => report.ackTimes))
	};
}

async function runOne(plan: RunPlan, environment: Environment) {
	const { cleanup } = environment;
	const mark = cleanup.mark();
	try {
		return plan.key === 'ramp'
			? await measureRamp(plan, environment)
			: await measureRun(plan, environment);
	} finally {
		await cleanup.run(mark);
	}
}

/** A run's sheets, app processes and load generator, once its clients are connected and synced. */
interface Rig {
	servers: AppProcess[];
	pool: WorkerPool;
	workerCount: number;
	/** Records over all sheets, and per sheet. */
	records: number;
	recordsPerSheet: number;
	sheets: number;
	/** The sheet client `i` joined (`i mod sheets`). */
	sheetOf: (client: number) => number;
	/** Per sheet, the clients that joined it. */
	joinedPerSheet: number[];
	/** Editing clients per worker. */
	editorsOf: number[];
	joined: number;
	editors: number;
	connectMs: number;
	connectCpu: ReturnType<typeof cpuBetween>;
	connectTimes: Summary | null;
	connectFailures: Failures;
	syncTimes: Summary | null;
	syncFailures: Failures;
	rssBefore: (number | null)[];
	rssConnected: (number | null)[];
	rssSynced: (number | null)[];
}

/**
 * Makes the sheets, starts the app processes and the workers, connects and joins every client
 * and syncs the editors, printing the header, connect and sync lines. `load` says in the
 * header how the run will edit.
 */
async function setUp(plan: RunPlan, environment: Environment, load: string): Promise<Rig> {
	const { settings, cleanup, context } = environment;
	const sheets = plan.sheets;
	const sheetOf = (client: number) => client % sheets;
	// Clients of sheet `s`: the indices below `plan.clients` that are `s` mod `sheets`.
	const clientsOf = (sheet: number) => Math.ceil((plan.clients - sheet) / sheets);
	const recordsPerSheet = Math.min(
		MAX_RECORDS,
		Math.ceil(Math.max(plan.clients, plan.editors) / sheets)
	);
	const records = recordsPerSheet * sheets;
	const workerCount = Math.max(1, Math.min(settings.workers, plan.clients));
	log('');
	log(`== ${plan.label}`);
	if (plan.key === 'ramp') {
		const fewest = clientsOf(sheets - 1);
		const most = clientsOf(0);
		log(
			`   ${count(plan.clients)} clients on ${count(sheets)} ${sheets === 1 ? 'sheet' : 'sheets'} of ` +
				`${fewest === most ? count(most) : `${count(fewest)} to ${count(most)}`} clients, each client joined to its own sheet only ` +
				`(${count(plan.editors)} edit, one record each; ${count(plan.clients - plan.editors)} only listen), ` +
				`${count(records)} records (${count(recordsPerSheet)} per sheet), ${load}, ` +
				`${workerCount} load-generator processes; load avg ${loadAverage()}`
		);
	} else {
		log(
			`   ${count(plan.clients)} clients (${count(plan.editors)} edit, one record each; ${count(plan.clients - plan.editors)} only listen), ` +
				`${count(records)} records, ${load}, ` +
				`${workerCount} load-generator processes; load avg ${loadAverage()}`
		);
	}

	const limit = hardFileLimit();
	const needs = {
		app: Math.ceil(plan.clients / plan.servers) + 500,
		worker: Math.ceil(plan.clients / workerCount) + 200
	};
	if (limit !== undefined && (limit < needs.app || limit < needs.worker)) {
		log(
			`   WARNING: the hard limit on open files is ${limit}; an app process needs about ${needs.app} ` +
				`and a worker about ${needs.worker}. Raise it (ulimit -Hn, as root) or expect failed connects.`
		);
	}

	// One fixture per sheet: each its own user, space, records and editor token.
	const fixtures = [];
	for (let index = 0; index < sheets; index++)
		fixtures.push(await createSheet(context, recordsPerSheet));
	const targets: SheetTarget[] = fixtures.map((fixture) => ({
		token: fixture.token,
		space: fixture.spaceId,
		sheet: fixture.typeId
	}));
	const sheet = fixtures[0]!;
	const dataDir = mkdtempSync(path.join(os.tmpdir(), 'roster-bench-rt-'));
	cleanup.push(async () => rmSync(dataDir, { recursive: true, force: true }));
	const servers: AppProcess[] = [];
	for (let index = 0; index < plan.servers; index++) {
		// One after another: the first one to start runs the migrations.
		const server = await startAppProcess({
			root,
			appDir: environment.appDir,
			nodeArgs: settings.serverNodeArgs,
			timeoutMs: 120_000,
			env: {
				DATABASE_URL: environment.databaseUrl,
				DATABASE_RUNTIME_ROLE: RUNTIME_ROLE,
				...(environment.redisUrl ? { REDIS_URL: environment.redisUrl } : {}),
				SEED_DEMO: 'false',
				AUTH_SECRET,
				// The private copy holds build/ whatever BUILD_DIR says for this checkout.
				BUILD_DIR: 'build',
				DATA_DIR: path.join(dataDir, String(index)),
				RATE_LIMIT_WRITES_PER_MINUTE: '100000000',
				RATE_LIMIT_LIVE_EDITS_PER_MINUTE: '100000000'
			}
		});
		cleanup.push(server.stop);
		servers.push(server);
	}
	for (const server of servers) {
		await probeRealtime({
			url: server.url,
			token: sheet.token,
			space: sheet.spaceId,
			sheet: sheet.typeId,
			record: sheet.recordIds[0]!,
			timeoutMs: 15_000
		}).catch((error: Error) => {
			throw new ServerNotReady(
				`${error.message}\n  (server ${server.url}, pid ${server.pid}; its last output:\n  ${server.output().replace(/\n/g, '\n  ')})`
			);
		});
	}

	const pool = await WorkerPool.start(workerCount, root);
	cleanup.push(() => pool.close());
	await sleep(1000);
	const rssBefore = servers.map((server) => rssKiB(server.pid) ?? null);

	// Connect: every client opens its socket and joins its sheet, the one sheet but in the ramp.
	const plans: ClientPlan[][] = Array.from({ length: workerCount }, () => []);
	for (let index = 0; index < plan.clients; index++) {
		const own = sheetOf(index);
		plans[index % workerCount]!.push({
			index,
			server: serverOf(index, plan.servers),
			sheet: own,
			record:
				index < plan.editors
					? fixtures[own]!.recordIds[Math.floor(index / sheets) % recordsPerSheet]
					: undefined
		});
	}
	const connectStart = snapshot(servers, pool);
	const connected = await pool.all(
		(worker) => ({
			type: 'connect',
			servers: servers.map((server) => server.url),
			sheets: targets,
			clients: plans[worker]!,
			concurrency: settings.concurrency
		}),
		'connected'
	);
	const connectEnd = snapshot(servers, pool);
	const connectMs = connectEnd.at - connectStart.at;
	const connectCpu = cpuBetween(connectStart, connectEnd);
	const connectTimes = summaryOf(connected.flatMap((reply) => reply.times));
	const connectFailures = mergeFailures(connected.map((reply) => reply.failures));
	const joined = connected.reduce((sum, reply) => sum + reply.times.length, 0);
	const joinedPerSheet = targets.map((_, index) =>
		connected.reduce((sum, reply) => sum + reply.joinedPerSheet[index]!, 0)
	);
	log(
		`   connect   ${count(joined)} of ${count(plan.clients)} connected and joined in ${fixed(connectMs / 1000, 2)} s; ` +
			`per client p50 ${fixed(connectTimes?.p50)} ms, p99 ${fixed(connectTimes?.p99)} ms; failed ${describeFailures(connectFailures)}; ` +
			`server cpu ${connectCpu.server ?? '?'}% of a core`
	);
	await sleep(2000);
	const rssConnected = servers.map((server) => rssKiB(server.pid) ?? null);

	const synced = await pool.all({ type: 'sync' }, 'synced');
	const syncTimes = summaryOf(synced.flatMap((reply) => reply.times));
	const syncFailures = mergeFailures(synced.map((reply) => reply.failures));
	const editors = synced.reduce((sum, reply) => sum + reply.times.length, 0);
	log(
		`   sync      ${count(editors)} editors synced their record (doc:sync, no state vector): ` +
			`p50 ${fixed(syncTimes?.p50)} ms, p99 ${fixed(syncTimes?.p99)} ms; failed ${describeFailures(syncFailures)}`
	);
	await sleep(1000);
	const rssSynced = servers.map((server) => rssKiB(server.pid) ?? null);

	return {
		servers,
		pool,
		workerCount,
		records,
		recordsPerSheet,
		sheets,
		sheetOf,
		joinedPerSheet,
		editorsOf: plans.map((clients) => clients.filter((client) => client.record).length),
		joined,
		editors,
		connectMs,
		connectCpu,
		connectTimes,
		connectFailures,
		syncTimes,
		syncFailures,
		rssBefore,
		rssConnected,
		rssSynced
	};
}

/** What one edit phase yields: its reports joined, its CPU, and CPU per edit. */
interface Phase {
	/** Length of the measured window, s. */
	seconds: number;
	figures: Omit<EditFigures, 'stats'>;
	cpu: ReturnType<typeof cpuBetween>;
	sent: number;
	acked: number;
	ackedInWindow: number;
	failed: Failures;
	timeouts: number;
	skipped: number;
	/** Since the clients connected, not only in this phase. */
	problems: Record<string, number>;
	disconnects: Record<string, number>;
	/** CPU ms per edit acked ok in the window: the app process(es) together, and Postgres. */
	appMsPerEdit: number | null;
	postgresMsPerEdit: number | null;
}

/**
 * One edit phase on the rig's connected clients: open loop at `rate` edits/s in total, split
 * over the workers by their editors, `settings.warmupSeconds` untimed and then `seconds` timed,
 * then the drain. Phases can follow one another on the same clients; each starts from zero.
 */
async function editPhase(
	rig: Rig,
	plan: RunPlan,
	settings: Settings,
	rate: number,
	seconds: number
): Promise<Phase> {
	const { servers, pool, workerCount, editorsOf } = rig;
	const startAt = clock() + 500;
	const measureFrom = startAt + settings.warmupSeconds * 1000;
	const measureTo = measureFrom + seconds * 1000;
	await pool.all((worker) => {
		const workerRate = plan.editors ? (rate * editorsOf[worker]!) / plan.editors : 0;
		return {
			type: 'edit',
			rate: workerRate,
			startAt,
			measureFrom,
			measureTo,
			phase: workerRate ? ((1000 / workerRate) * worker) / workerCount : 0,
			ackTimeout: (seconds + settings.drainSeconds) * 1000
		};
	}, 'editing');
	await sleep(measureFrom - clock());
	const editStart = snapshot(servers, pool);
	await sleep(measureTo - clock());
	const editEnd = snapshot(servers, pool);
	const cpu = cpuBetween(editStart, editEnd);

	// Drain: acks still due and changes still on their way belong to the measured edits.
	const drainUntil = clock() + settings.drainSeconds * 1000;
	while (clock() < drainUntil) {
		const statuses = await pool.all({ type: 'status' }, 'status');
		const outstanding = statuses.reduce((sum, status) => sum + status.outstandingAcks, 0);
		const lastReceived = Math.max(measureTo, ...statuses.map((status) => status.lastReceivedAt));
		if (outstanding === 0 && clock() - lastReceived > 1000) break;
		await sleep(250);
	}
	const reports = await pool.all({ type: 'report' }, 'report');

	const ackedInWindow = reports.reduce((sum, report) => sum + report.ackedInWindow, 0);
	// CPU seconds per second over the snapshots, over edits acked ok per second in the window.
	const perEdit = (cores: number | null) =>
		cores === null || !ackedInWindow
			? null
			: Math.round((cores / (ackedInWindow / seconds)) * 1000 * 100) / 100;
	return {
		seconds,
		figures: combineReports(reports, rig.joinedPerSheet, rig.sheetOf, plan.servers),
		cpu,
		sent: reports.reduce((sum, report) => sum + report.sent, 0),
		acked: reports.reduce((sum, report) => sum + report.acked, 0),
		ackedInWindow,
		failed: mergeFailures(reports.map((report) => report.failed)),
		timeouts: reports.reduce((sum, report) => sum + report.timeouts, 0),
		skipped: reports.reduce((sum, report) => sum + report.skipped, 0),
		problems: mergeCounts(reports.map((report) => report.problems)),
		disconnects: mergeCounts(reports.map((report) => report.disconnects)),
		appMsPerEdit: perEdit(cpu.serverCores),
		postgresMsPerEdit: perEdit(cpu.postgresCores)
	};
}

const sumOf = (values: (number | null)[]) =>
	values.every((value) => value !== null)
		? values.reduce<number>((total, value) => total + value!, 0)
		: null;

function logProblems(phase: Phase): void {
	const problemText = [
		...Object.entries(phase.problems).map(([code, times]) => `problem ${code} x${times}`),
		...Object.entries(phase.disconnects).map(
			([reason, times]) => `disconnect "${reason}" x${times}`
		)
	];
	if (problemText.length) log(`   problems  ${problemText.join(', ')}`);
}

const POSTGRES_NOTE = 'Postgres: every postgres process on the machine';

async function measureRun(plan: RunPlan, environment: Environment) {
	const { settings } = environment;
	const rig = await setUp(
		plan,
		environment,
		`${settings.rate} edits/s in total for ${settings.seconds} s after ${settings.warmupSeconds} s of warm-up`
	);
	const { servers, pool, workerCount, records, joined, editors } = rig;
	const { connectMs, connectCpu, connectTimes, connectFailures, syncTimes, syncFailures } = rig;
	const { rssBefore, rssConnected, rssSynced } = rig;

	const phase = await editPhase(rig, plan, settings, settings.rate, settings.seconds);
	const rssEnd = servers.map((server) => rssKiB(server.pid) ?? null);
	const loadGeneratorKiB = totalKiB(pool.pids);

	const { figures, sent, acked, ackedInWindow, failed, timeouts, skipped } = phase;
	const { problems, disconnects } = phase;
	const editCpu = phase.cpu;
	const seconds = settings.seconds;
	const sum = sumOf;
	const before = sum(rssBefore);
	const afterConnect = sum(rssConnected);
	const perClientKiB =
		before !== null && afterConnect !== null && joined
			? Math.round(((afterConnect - before) / joined) * 10) / 10
			: null;

	const { propagation, crossProcess, allReceived, ack } = figures;
	log(
		`   edits     ${fixed(ackedInWindow / seconds)}/s acked ok within the window; of the ${count(sent)} sent in it (${fixed(sent / seconds)}/s) ${count(acked)} were acked ok; ` +
			`failed acks ${describeFailures(failed)}, no ack within ${settings.seconds + settings.drainSeconds} s ${timeouts}, skipped (previous edit not acked yet) ${count(skipped)}`
	);
	log(
		`   ack       send -> doc:update ack ok: p50 ${fixed(ack?.p50)} ms, p99 ${fixed(ack?.p99)} ms, mean ${fixed(ack?.mean)} ms (n=${count(ack?.runs ?? 0)})`
	);
	log(
		`   propagation  edit at A -> change at B, every (edit, receiver) pair: p50 ${fixed(propagation.p50)} ms, p99 ${fixed(propagation.p99)} ms, ` +
			`max ${fixed(propagation.max)} ms (${count(propagation.samples)} of ${count(figures.expectedPairs)} pairs)`
	);
	if (crossProcess) {
		log(
			`   across processes  receivers on the other app process: p50 ${fixed(crossProcess.p50)} ms, p99 ${fixed(crossProcess.p99)} ms (${count(crossProcess.samples)} pairs)`
		);
	}
	log(
		`   all got it   per edit, until the last of ${count(figures.expectedReceivers)} other clients had it: p50 ${fixed(allReceived.p50)} ms, ` +
			`p99 ${fixed(allReceived.p99)} ms (${count(figures.editsReachingAll)} of ${count(figures.editsMeasured)} edits reached all)`
	);
	log(
		`   cpu       app ${editCpu.server ?? '?'}% of a core${plan.servers > 1 ? ` (${editCpu.servers.map((value) => `${value ?? '?'}%`).join(' + ')})` : ''}, ` +
			`load generator ${editCpu.loadGenerator ?? '?'}% (${workerCount} processes), Postgres ${editCpu.postgres ?? '?'}%, ` +
			`machine ${editCpu.machine ?? '?'}% busy of ${os.availableParallelism()} cores`
	);
	log(
		`   cpu wait  the app's event loop${plan.servers > 1 ? 's' : ''} waited for a free core ${editCpu.serverWaits.map((value) => `${value ?? '?'}%`).join(' and ')} of the time ` +
			`(runnable, not running: /proc/<pid>/schedstat)`
	);
	log(
		`   cpu/edit  Postgres CPU per edit: ${fixed(phase.postgresMsPerEdit, 2)} ms, app CPU per edit: ${fixed(phase.appMsPerEdit, 2)} ms ` +
			`(CPU time in the window over the ${count(ackedInWindow)} edits acked ok in it; ${POSTGRES_NOTE})`
	);
	log(
		`   memory    app RSS ${mib(before)} before clients, ${mib(afterConnect)} with ${count(joined)} joined ` +
			`(${fixed(perClientKiB)} KiB per client), ${mib(sum(rssSynced))} after ${count(editors)} syncs, ${mib(sum(rssEnd))} at the end; ` +
			`load generator ${mib(loadGeneratorKiB)}`
	);
	logProblems(phase);

	const round = (value: number | null) => (value === null ? null : Math.round(value));
	return {
		clients: plan.clients,
		joined,
		editors,
		records,
		server_processes: plan.servers,
		workers: workerCount,
		connect_ms: Math.round(connectMs),
		connect_p50_ms: connectTimes?.p50 ?? null,
		connect_p99_ms: connectTimes?.p99 ?? null,
		connect_failures: connectFailures.count,
		connect_server_cpu_pct: connectCpu.server,
		sync_p50_ms: syncTimes?.p50 ?? null,
		sync_p99_ms: syncTimes?.p99 ?? null,
		sync_failures: syncFailures.count,
		propagation_p50_ms: propagation.p50,
		propagation_p99_ms: propagation.p99,
		propagation_max_ms: propagation.max,
		propagation_samples: propagation.samples,
		...(crossProcess
			? {
					cross_process_propagation_p50_ms: crossProcess.p50,
					cross_process_propagation_p99_ms: crossProcess.p99,
					cross_process_samples: crossProcess.samples
				}
			: {}),
		all_received_p50_ms: allReceived.p50,
		all_received_p99_ms: allReceived.p99,
		edits_measured: figures.editsMeasured,
		edits_reaching_all: figures.editsReachingAll,
		ack_p50_ms: ack?.p50 ?? null,
		ack_p99_ms: ack?.p99 ?? null,
		edits_per_s: Math.round((ackedInWindow / seconds) * 10) / 10,
		edits_sent_per_s: Math.round((sent / seconds) * 10) / 10,
		edits_sent: sent,
		edits_acked: acked,
		failed_acks: failed.count,
		ack_timeouts: timeouts,
		skipped_edits: skipped,
		server_cpu_pct: editCpu.server,
		...(plan.servers > 1 ? { server_cpu_pct_each: editCpu.servers } : {}),
		loadgen_cpu_pct: editCpu.loadGenerator,
		postgres_cpu_pct: editCpu.postgres,
		postgres_cpu_ms_per_edit: phase.postgresMsPerEdit,
		app_cpu_ms_per_edit: phase.appMsPerEdit,
		server_cpu_wait_pct: plan.servers > 1 ? editCpu.serverWaits : (editCpu.serverWaits[0] ?? null),
		machine_busy_pct: editCpu.machine,
		server_rss_before_mib: before === null ? null : round(before / 1024),
		server_rss_connected_mib: afterConnect === null ? null : round(afterConnect / 1024),
		rss_per_client_kb: perClientKiB,
		server_rss_synced_mib: round((sum(rssSynced) ?? NaN) / 1024),
		server_rss_end_mib: round((sum(rssEnd) ?? NaN) / 1024),
		loadgen_rss_mib: loadGeneratorKiB === null ? null : round(loadGeneratorKiB / 1024),
		problems,
		disconnects
	};
}

/** A ramp step holds when its ack p99 is at most this ... */
const RAMP_MAX_ACK_P99_MS = 100;
/** ... and at least this share of its target rate was acked ok within its window. */
const RAMP_MIN_SERVED = 0.9;

/**
 * The ramp: the clients, spread over `BENCH_RAMP_SHEETS` sheets so that an edit reaches the
 * clients of one sheet and not all of them, connect and sync once, then edit in phases of
 * rising total rate (`BENCH_RAMP_RATES`, `BENCH_RAMP_SECONDS` each), one table row per phase,
 * until the first phase that does not hold.
 */
async function measureRamp(plan: RunPlan, environment: Environment) {
	const { settings } = environment;
	if (!plan.editors) throw new Error('the ramp needs editing clients; BENCH_EDITORS is 0');
	const rig = await setUp(
		plan,
		environment,
		`${settings.rampRates.map(count).join(', ')} edits/s in total in turn, ${settings.rampSeconds} s each after ${settings.warmupSeconds} s of warm-up`
	);
	log(
		`   ramp      a step holds when its ack p99 is at most ${RAMP_MAX_ACK_P99_MS} ms and at least ${RAMP_MIN_SERVED * 100}% of its rate ` +
			`was acked ok in its window; the ramp stops after the first step that does not`
	);
	log(
		`             latencies in ms; cpu in % of one core; ms/edit: CPU ms per edit acked ok in the window (${POSTGRES_NOTE})`
	);
	const columns: [string, number][] = [
		['target/s', 9],
		['ok/s', 9],
		['ack p50', 9],
		['ack p99', 9],
		['prop p50', 9],
		['prop p99', 9],
		['skipped', 9],
		['app cpu', 8],
		['pg cpu', 8],
		['loadgen', 8],
		['pg ms/edit', 11],
		['app ms/edit', 12]
	];
	const row = (cells: string[], note = '') =>
		log(
			`   ${cells.map((cell, index) => cell.padStart(columns[index]![1])).join('')}${note ? `  ${note}` : ''}`
		);
	row(columns.map(([name]) => name));

	const steps: Record<string, unknown>[] = [];
	let highest: number | null = null;
	let last: Phase | undefined;
	for (const rate of settings.rampRates) {
		const phase = await editPhase(rig, plan, settings, rate, settings.rampSeconds);
		last = phase;
		const { figures, cpu } = phase;
		const { ack, propagation } = figures;
		const okPerSecond = phase.ackedInWindow / phase.seconds;
		const served = okPerSecond / rate;
		const reasons = [
			...(ack?.p99 === undefined || ack.p99 === null
				? ['no edit acked ok']
				: ack.p99 > RAMP_MAX_ACK_P99_MS
					? [`ack p99 over ${RAMP_MAX_ACK_P99_MS} ms`]
					: []),
			...(served < RAMP_MIN_SERVED ? [`served ${Math.round(served * 100)}% of the rate`] : [])
		];
		const held = reasons.length === 0;
		if (held) highest = Math.max(highest ?? 0, rate);
		const missed = figures.editsMeasured - figures.editsReachingAll;
		const extra = [
			...(phase.failed.count ? [`failed acks ${describeFailures(phase.failed)}`] : []),
			...(phase.timeouts ? [`no ack ${count(phase.timeouts)}`] : []),
			...(missed
				? [
						`${count(missed)} of ${count(figures.editsMeasured)} edits did not reach every other client of their sheet`
					]
				: [])
		];
		const percent = (value: number | null) => (value === null ? '?' : `${value}%`);
		row(
			[
				count(rate),
				fixed(okPerSecond),
				fixed(ack?.p50),
				fixed(ack?.p99),
				fixed(propagation.p50),
				fixed(propagation.p99),
				count(phase.skipped),
				percent(cpu.server),
				percent(cpu.postgres),
				percent(cpu.loadGenerator),
				fixed(phase.postgresMsPerEdit, 2),
				fixed(phase.appMsPerEdit, 2)
			],
			[held ? 'held' : `not held: ${reasons.join(', ')}`, ...extra].join('; ')
		);
		steps.push({
			rate,
			held,
			edits_per_s: Math.round(okPerSecond * 10) / 10,
			edits_sent_per_s: Math.round((phase.sent / phase.seconds) * 10) / 10,
			edits_sent: phase.sent,
			edits_acked: phase.acked,
			failed_acks: phase.failed.count,
			ack_timeouts: phase.timeouts,
			skipped_edits: phase.skipped,
			ack_p50_ms: ack?.p50 ?? null,
			ack_p99_ms: ack?.p99 ?? null,
			propagation_p50_ms: propagation.p50,
			propagation_p99_ms: propagation.p99,
			all_received_p99_ms: figures.allReceived.p99,
			edits_measured: figures.editsMeasured,
			edits_reaching_all: figures.editsReachingAll,
			server_cpu_pct: cpu.server,
			postgres_cpu_pct: cpu.postgres,
			loadgen_cpu_pct: cpu.loadGenerator,
			postgres_cpu_ms_per_edit: phase.postgresMsPerEdit,
			app_cpu_ms_per_edit: phase.appMsPerEdit,
			server_cpu_wait_pct: cpu.serverWaits[0] ?? null,
			machine_busy_pct: cpu.machine
		});
		if (!held) break;
	}
	log(
		`   highest rate held: ${highest === null ? `none (not even ${count(settings.rampRates[0]!)} edits/s)` : `${count(highest)} edits/s`}`
	);
	const rssEnd = sumOf(rig.servers.map((server) => rssKiB(server.pid) ?? null));
	log(
		`   memory    app RSS ${mib(sumOf(rig.rssConnected))} with ${count(rig.joined)} joined, ${mib(sumOf(rig.rssSynced))} after ${count(rig.editors)} syncs, ` +
			`${mib(rssEnd)} at the end; load generator ${mib(totalKiB(rig.pool.pids))}`
	);
	if (last) logProblems(last);

	return {
		clients: plan.clients,
		joined: rig.joined,
		editors: rig.editors,
		sheets: rig.sheets,
		records: rig.records,
		server_processes: plan.servers,
		workers: rig.workerCount,
		connect_ms: Math.round(rig.connectMs),
		step_seconds: settings.rampSeconds,
		warmup_seconds: settings.warmupSeconds,
		max_ack_p99_ms: RAMP_MAX_ACK_P99_MS,
		min_served: RAMP_MIN_SERVED,
		steps,
		highest_rate_held: highest,
		problems: last?.problems ?? {},
		disconnects: last?.disconnects ?? {}
	};
}

const HEADLINE = [
	'propagation_p50_ms',
	'propagation_p99_ms',
	'ack_p50_ms',
	'ack_p99_ms',
	'rss_per_client_kb',
	'edits_per_s',
	'connect_ms',
	'server_cpu_pct',
	'loadgen_cpu_pct'
];

/** The app server is up but does not speak the realtime protocol: no run can measure anything. */
class ServerNotReady extends Error {}

export async function main(): Promise<void> {
	const settings = readSettings();
	const cleanup = new Cleanup();
	const started = performance.now();
	const stopNow = async (reason: string) => {
		console.error(`\nbench: ${reason}; stopping`);
		await cleanup.run();
		process.exit(1);
	};
	const watchdog = setTimeout(
		() => void stopNow(`time limit of ${settings.timeoutSeconds} s reached`),
		settings.timeoutSeconds * 1000
	);
	for (const signal of ['SIGINT', 'SIGTERM'] as const)
		process.once(signal, () => void stopNow(`got ${signal}`));

	try {
		log(
			`Roster realtime benchmark: runs ${settings.runs.join(', ')}; ${settings.rate} edits/s for ${settings.seconds} s per run`
		);
		const database = await openBenchDatabase(log, { database: DATABASE, dataDir: DATA_DIR });
		cleanup.push(database.stop);
		log(`Database: ${DATABASE} on ${database.where}`);

		let redisUrl = process.env.REDIS_URL || undefined;
		let redisWhere = `REDIS_URL (${redisUrl ? new URL(redisUrl).host : ''})`;
		if (!redisUrl && redisServerBinary()) {
			const redis = await startRedisServer();
			cleanup.push(redis.stop);
			redisUrl = redis.url;
			redisWhere = `its own redis-server (${new URL(redis.url).host})`;
		} else if (!redisUrl) {
			redisWhere = 'none (no REDIS_URL, no redis-server on PATH): in-process adapter';
		}
		log(`Redis: ${redisWhere}`);

		const bootDir = mkdtempSync(path.join(os.tmpdir(), 'roster-bench-rt-'));
		cleanup.push(async () => rmSync(bootDir, { recursive: true, force: true }));
		const context = await boot({
			env: {
				NODE_ENV: 'production',
				DATABASE_URL: database.url,
				DATABASE_RUNTIME_ROLE: RUNTIME_ROLE,
				SEED_DEMO: 'false',
				AUTH_SECRET,
				DATA_DIR: bootDir,
				RATE_LIMIT_WRITES_PER_MINUTE: '100000000',
				RATE_LIMIT_LIVE_EDITS_PER_MINUTE: '100000000'
			},
			log: (line) => log(`  app: ${line}`)
		});
		cleanup.push(shutdown);

		const machine = await describeMachine(context.db.owner);
		log('');
		log('Machine');
		log(`  cpu       ${machine.cpu}, ${machine.cores} cores, ${machine.ramGiB} GiB RAM`);
		log(`  node      ${machine.node}`);
		log(`  postgres  ${machine.postgres}`);
		log(
			`  load avg  ${loadAverage()} (1/5/15 min; the app, Postgres, Redis and the load generator share these cores)`
		);

		const appDir = path.join(DATA_DIR, 'app');
		log(
			`App: serving ${prepareAppBuild(root, appDir)}${settings.serverNodeArgs.length ? `, node ${settings.serverNodeArgs.join(' ')}` : ''}`
		);
		const environment: Environment = {
			settings,
			databaseUrl: database.url,
			redisUrl,
			appDir,
			cleanup,
			context
		};

		const editorsFor = (clients: number) => Math.min(clients, settings.editors ?? settings.clients);
		// No more sheets than clients: an empty sheet would only cost its fixture.
		const rampSheets = Math.min(settings.rampSheets, settings.clients);
		const plans: Record<RunKey, RunPlan> = {
			single: {
				key: 'single',
				label: `${count(settings.clients)} clients, one app process`,
				clients: settings.clients,
				editors: editorsFor(settings.clients),
				servers: 1,
				sheets: 1
			},
			large: {
				key: 'large',
				label: `${count(settings.largeClients)} clients, one app process, mostly idle`,
				clients: settings.largeClients,
				editors: editorsFor(settings.largeClients),
				servers: 1,
				sheets: 1
			},
			two: {
				key: 'two',
				label: `${count(settings.clients)} clients across two app processes on one Redis`,
				clients: settings.clients,
				editors: editorsFor(settings.clients),
				servers: 2,
				sheets: 1
			},
			ramp: {
				key: 'ramp',
				label: `${count(settings.clients)} clients on ${count(rampSheets)} ${rampSheets === 1 ? 'sheet' : 'sheets'}, one app process, edit rate rising in steps`,
				clients: settings.clients,
				editors: editorsFor(settings.clients),
				servers: 1,
				sheets: rampSheets
			}
		};
		const results: Partial<Record<RunKey, Record<string, unknown>>> = {};
		for (const key of settings.runs) {
			if (key === 'two' && !redisUrl) {
				log('');
				log(`== ${plans.two.label}: SKIPPED, no Redis to join the processes`);
				results.two = { error: 'no Redis' };
				continue;
			}
			try {
				results[key] = await runOne(plans[key], environment);
			} catch (error) {
				if (error instanceof ServerNotReady) throw error;
				const message = error instanceof Error ? error.message : String(error);
				log(`   FAILED: ${message}`);
				results[key] = { error: message.split('\n')[0] };
			}
		}

		log('');
		log(
			`Done in ${((performance.now() - started) / 1000).toFixed(0)} s; load avg ${loadAverage()}`
		);
		await cleanup.run();
		// The headline names are always there, null when the single-process run was not made.
		const headline = Object.fromEntries(HEADLINE.map((name) => [name, null]));
		console.log(
			JSON.stringify({
				...headline,
				...results.single,
				clients: settings.clients,
				...(results.large ? { [`clients_${settings.largeClients}`]: results.large } : {}),
				...(results.two ? { two_processes: results.two } : {}),
				...(results.ramp ? { ramp: results.ramp } : {}),
				rate: settings.rate,
				seconds: settings.seconds,
				redis: redisUrl ? true : false,
				cpu: machine.cpu,
				cores: machine.cores,
				ram_gib: machine.ramGiB,
				node: machine.node,
				postgres: machine.postgres
			})
		);
	} catch (error) {
		await cleanup.run();
		if (!(error instanceof ServerNotReady)) throw error;
		console.error(
			`\nbench: the app server does not answer the realtime protocol (yet):\n  ${error.message}`
		);
		process.exitCode = 1;
	} finally {
		clearTimeout(watchdog);
	}
}
