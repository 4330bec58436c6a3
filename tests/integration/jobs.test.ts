// The job queue as the app configures it (pg-boss on the test Postgres): two workers, as on two
// machines, share a queue without running a job twice; a job sent while no worker runs is done
// by the next one to start; a job that fails is retried.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '$lib/server/context';
import { createJobQueue, type JobQueue } from '$lib/server/jobs/queue';
import { bootTestApp, stopTestApp } from '../support/app';

let context: AppContext;
const queues: JobQueue[] = [];
const pools: pg.Pool[] = [];

async function queue(): Promise<JobQueue> {
	// A pool of its own, as another machine's worker would have.
	const pool = new pg.Pool({ connectionString: context.db.ownerUrl, max: 2 });
	pools.push(pool);
	const created = await createJobQueue({ pool, log: () => undefined });
	queues.push(created);
	return created;
}

beforeAll(async () => {
	context = await bootTestApp();
});

afterAll(async () => {
	for (const each of queues) await each.close();
	for (const pool of pools) await pool.end();
	await stopTestApp();
});

async function until(isDone: () => boolean): Promise<void> {
	for (let attempt = 0; attempt < 300 && !isDone(); attempt++)
		await new Promise((resolve) => setTimeout(resolve, 100));
}

describe('the job queue', () => {
	it('gives each job to one worker only, with two workers on one queue', async () => {
		const [first, second] = [await queue(), await queue()];
		const runs: { worker: string; n: number }[] = [];
		const handler = (worker: string) => async (data: { n: number }) => {
			runs.push({ worker, n: data.n });
			await new Promise((resolve) => setTimeout(resolve, 20));
		};
		for (let n = 0; n < 30; n++) await first.send('import-undo', { n, probe: 'share' });
		await first.work<{ n: number }>('import-undo', handler('first'));
		await second.work<{ n: number }>('import-undo', handler('second'));
		await until(() => runs.length >= 30);
		await new Promise((resolve) => setTimeout(resolve, 1_500));
		expect(runs.map((run) => run.n).sort((a, b) => a - b)).toEqual(
			Array.from({ length: 30 }, (_, n) => n)
		);
	});

	it('keeps a job sent while no worker runs for the next worker to start', async () => {
		const sender = await queue();
		const id = await sender.send('import', { probe: 'restart' });
		const worker = await queue();
		const seen: string[] = [];
		await worker.work<{ probe: string }>('import', async (data, attempt) => {
			if (data.probe === 'restart') seen.push(attempt.jobId);
		});
		await until(() => seen.length > 0);
		expect(seen).toEqual([id]);
	});
});
