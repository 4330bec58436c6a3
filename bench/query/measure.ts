// Timing, percentiles and EXPLAIN output for the query benchmark.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Actor } from '$lib/server/auth/actor';
import type { AppContext } from '$lib/server/context';
import { withActor, type Tx } from '$lib/server/db';

export interface Summary {
	runs: number;
	p50: number;
	p95: number;
	p99: number;
	mean: number;
	min: number;
	max: number;
}

const round = (value: number) => Math.round(value * 1000) / 1000;

export function summarize(samples: number[]): Summary {
	const sorted = [...samples].sort((a, b) => a - b);
	const at = (quantile: number) =>
		sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(quantile * sorted.length) - 1))]!;
	const mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
	return {
		runs: sorted.length,
		p50: round(at(0.5)),
		p95: round(at(0.95)),
		p99: round(at(0.99)),
		mean: round(mean),
		min: round(sorted[0]!),
		max: round(sorted.at(-1)!)
	};
}

/**
 * Runs `work` a few times untimed, then `runs` times one after another, in milliseconds. Work
 * that takes over half a second is timed `slowRuns` times instead, to keep the bench bounded.
 */
export async function time(
	runs: number,
	work: (run: number) => Promise<unknown>,
	options: { warmup?: number; slowRuns?: number } = {}
): Promise<Summary> {
	const warmup = options.warmup ?? 5;
	const first = performance.now();
	await work(0);
	const isSlow = performance.now() - first > 500;
	for (let run = 1; run < (isSlow ? 1 : warmup); run++) await work(run);
	if (isSlow) runs = Math.min(runs, options.slowRuns ?? 50);
	const samples: number[] = [];
	for (let run = 0; run < runs; run++) {
		const start = performance.now();
		await work(run);
		samples.push(performance.now() - start);
	}
	return summarize(samples);
}

export function formatSummary(label: string, summary: Summary): string {
	const cell = (value: number) => value.toFixed(2).padStart(9);
	return `  ${label.padEnd(34)} p50${cell(summary.p50)}  p95${cell(summary.p95)}  p99${cell(summary.p99)}  mean${cell(summary.mean)}  (n=${summary.runs})`;
}

export interface Statement {
	sql: string;
	params: unknown[];
}

/**
 * The statement alone, as the runtime role with the actor's identity, each run on the same
 * open transaction: what Postgres takes, without pool checkout, BEGIN and set_config.
 */
export function timeStatement(
	context: AppContext,
	actor: Actor,
	runs: number,
	statement: (run: number) => Statement,
	slowRuns?: number
) {
	return withActor(context.db.runtime, actor, (tx) =>
		time(
			runs,
			(run) => {
				const { sql, params } = statement(run);
				return tx.query(sql, params);
			},
			{ slowRuns }
		)
	);
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) as the runtime role; the whole plan goes to bench/out/<name>.txt
 * and its first lines plus the timing lines are returned for the console.
 */
export async function explain(options: {
	context: AppContext;
	actor: Actor;
	name: string;
	statement: Statement;
	outDir: string;
	topLines?: number;
}): Promise<string[]> {
	const { context, actor, name, statement, outDir } = options;
	const plan = await withActor(context.db.runtime, actor, async (tx: Tx) => {
		// Run once first so the plan shows a warm cache, as the timed runs see it.
		await tx.query(statement.sql, statement.params);
		const { rows } = await tx.query<{ 'QUERY PLAN': string }>(
			`explain (analyze, buffers) ${statement.sql}`,
			statement.params
		);
		return rows.map((row) => row['QUERY PLAN']);
	});
	mkdirSync(outDir, { recursive: true });
	const params = JSON.stringify(statement.params, (_, value) =>
		Array.isArray(value) && value.length > 8
			? [...value.slice(0, 8), `... ${value.length - 8} more`]
			: value
	);
	writeFileSync(
		path.join(outDir, `${name}.txt`),
		`${statement.sql}\n\nparams: ${params}\n\n${plan.join('\n')}\n`
	);
	// Long id lists make plan lines unreadable on a console; the file keeps them whole.
	const clip = (line: string) => (line.length > 160 ? `${line.slice(0, 157)}...` : line);
	const isTiming = (line: string) => /^(Planning|Execution) Time/.test(line);
	const body = plan.filter((line) => !isTiming(line));
	const top = body.slice(0, options.topLines ?? 12).map(clip);
	return [...top, ...(body.length > top.length ? ['  ...'] : []), ...plan.filter(isTiming)];
}
