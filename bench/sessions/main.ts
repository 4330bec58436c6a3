// Times isSessionLive, the check every signed-in request and socket handshake makes, against a
// scratch database on the server DATABASE_URL names: sequentially (latency) and 20 at a time
// (throughput of the runtime pool), next to a bare `select 1` on the same pool as the floor.
import os from 'node:os';
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { isSessionLive, startSession } from '$lib/server/auth/sessions';
import { boot, shutdown } from '$lib/server/context';
import { withAnonymous } from '$lib/server/db';

const DATABASE = 'roster_bench_sessions';
const RUNS = 5_000;

const percentile = (sorted: number[], p: number) =>
	sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function time(label: string, work: () => Promise<unknown>, concurrency = 1) {
	for (let warm = 0; warm < 200; warm++) await work();
	const durations: number[] = [];
	const started = performance.now();
	let next = 0;
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (next++ < RUNS) {
				const at = performance.now();
				await work();
				durations.push(performance.now() - at);
			}
		})
	);
	const elapsed = performance.now() - started;
	durations.sort((a, b) => a - b);
	const figures = {
		label,
		concurrency,
		medianMs: Number(percentile(durations, 50).toFixed(3)),
		p99Ms: Number(percentile(durations, 99).toFixed(3)),
		perSecond: Math.round((RUNS / elapsed) * 1000)
	};
	console.log(
		`${label.padEnd(28)} x${concurrency}: median ${figures.medianMs} ms, p99 ${figures.p99Ms} ms, ${figures.perSecond}/s`
	);
	return figures;
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
		`${os.cpus()[0]?.model} x${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`
	);
	const context = await boot({
		env: {
			DATABASE_URL: url.toString(),
			// Roles of its own, so the bench never changes the passwords of the app's roles.
			DATABASE_RUNTIME_ROLE: 'roster_bench_sessions_app',
			DATABASE_CREDENTIALS_ROLE: 'roster_bench_sessions_sign_in',
			AUTH_SECRET: 'bench-secret-that-is-long-enough-for-hmac',
			DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'roster-bench-')),
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
		// Other people's sessions in the table, so the probe is not into a one-row table.
		await context.db.owner.query(
			`insert into sessions (user_id, expires_at)
			 select $1, now() + interval '30 days' from generate_series(1, 100000)`,
			[userId]
		);
		await context.db.owner.query('analyze sessions');
		const sessionId = await startSession({ context, userId, userAgent: 'bench' });
		const check = () => isSessionLive({ context, userId, sessionId });
		if (!(await check())) throw new Error('The session should be live');
		const floor = () => context.db.runtime.query('select 1');
		const results = [
			await time('select 1 (floor)', floor),
			await time('isSessionLive', check),
			await time('select 1 (floor)', floor, 20),
			await time('isSessionLive', check, 20)
		];
		console.log(JSON.stringify({ runs: RUNS, results }));
	} finally {
		await shutdown();
		const cleanup = new pg.Client({ connectionString: ownerUrl });
		await cleanup.connect();
		await cleanup.query(`drop database if exists ${DATABASE} with (force)`);
		await cleanup.end();
	}
}
