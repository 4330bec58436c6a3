// Background jobs on pg-boss, a job queue that lives in the Postgres we already run: the embedded
// default needs nothing more, jobs survive restarts, retry with backoff and can be cancelled, and
// any number of workers on any number of machines share a queue without running a job twice
// (pg-boss takes each job with SELECT ... FOR UPDATE SKIP LOCKED).
//
// The queue's own tables sit in the `pgboss` schema and are reached as the database owner; they
// hold only ids. A job's work on tenant data runs as the member who asked for it, under RLS,
// through the same services a request uses.
import type pg from 'pg';
import PgBoss from 'pg-boss';

/** Every queue, with how its jobs retry. A job's handler must be safe to run again. */
export const queues = {
	/** Reads an uploaded file and writes its rows (services/imports/run-import.ts). */
	import: { retryLimit: 3, retryDelay: 5, retryBackoff: true, expireInHours: 6 },
	/** Removes what an import created and puts back what it changed. */
	'import-undo': { retryLimit: 3, retryDelay: 5, retryBackoff: true, expireInHours: 6 },
	/** Scans a whole record type for duplicates (services/matching/scan.ts). */
	'match-scan': { retryLimit: 2, retryDelay: 5, retryBackoff: true, expireInHours: 2 },
	/** Writes a large export to storage for a download link (services/exports/export-job.ts). */
	export: { retryLimit: 2, retryDelay: 10, retryBackoff: true, expireInHours: 2 },
	/** Sends one webhook delivery: 5 s, 10 s, 20 s … between attempts (WEBHOOK_RETRY_LIMIT). */
	'webhook-delivery': { retryLimit: 8, retryDelay: 5, retryBackoff: true, expireInMinutes: 2 },
	/**
	 * Hands one mail to the SMTP server (services/mail): 10 s, 20 s, 40 s … between attempts, so
	 * a server that is down for up to about three hours loses nothing.
	 */
	mail: { retryLimit: 10, retryDelay: 10, retryBackoff: true, expireInMinutes: 2 }
} satisfies Record<string, PgBoss.RetryOptions & PgBoss.ExpirationOptions>;

export type QueueName = keyof typeof queues;

/** Jobs of a queue one process runs at once: deliveries mostly wait on the network. */
const concurrency: Partial<Record<QueueName, number>> = { 'webhook-delivery': 2, mail: 2 };

/** Which attempt of its job a handler is running: the last one may not rely on a retry. */
export interface Attempt {
	jobId: string;
	isFinal: boolean;
}

export interface JobRecord {
	id: string;
	state: 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed';
	data: unknown;
	output: unknown;
}

export interface JobQueue {
	/** Enqueues a job; returns its id. */
	send(name: QueueName, data: object): Promise<string>;
	/** Cancels a job that has not finished; a running handler learns of it from its own row. */
	cancel(name: QueueName, id: string): Promise<void>;
	/** Runs `handler` for jobs of `name` in this process (as many at once as the queue allows). */
	work<T extends object>(
		name: QueueName,
		handler: (data: T, attempt: Attempt) => Promise<unknown>
	): Promise<void>;
	/** A job's state, data and (once completed) the value its handler returned. */
	get(name: QueueName, id: string): Promise<JobRecord | null>;
	close(): Promise<void>;
}

export async function createJobQueue(options: {
	/** The owner's pool: the queue's statements share it instead of opening connections of their own. */
	pool: pg.Pool;
	log: (line: string) => void;
	/** Per-queue retry settings that configuration overrides (WEBHOOK_RETRY_LIMIT). */
	overrides?: Partial<Record<QueueName, PgBoss.RetryOptions>>;
	/**
	 * The pg-boss name of the `mail` queue (MAIL_QUEUE). Every process working a mail queue sends
	 * with its own SMTP settings, so processes with different settings on one database (tests
	 * with their own SMTP server) need queues of their own.
	 */
	mailQueue?: string;
}): Promise<JobQueue> {
	const storedName = (name: QueueName): string =>
		name === 'mail' ? (options.mailQueue ?? 'mail') : name;
	// Sharing the owner's pool keeps a process's connection count where it was: a test run or a
	// cluster with several processes meets max_connections sooner than anything else.
	const boss = new PgBoss({
		schema: 'pgboss',
		db: {
			executeSql: (text, values) => options.pool.query(text, values ?? [])
		}
	});
	boss.on('error', (error) => options.log(`Job queue: ${error.message}`));
	await boss.start();
	for (const [name, defaults] of Object.entries(queues)) {
		const settings = {
			...defaults,
			...options.overrides?.[name as QueueName],
			name: storedName(name as QueueName)
		};
		// createQueue is idempotent in pg-boss 10, and the queue's settings follow the code.
		await boss.createQueue(settings.name, settings);
		await boss.updateQueue(settings.name, settings);
	}
	return {
		async send(name, data) {
			const id = await boss.send(storedName(name), data);
			if (!id) throw new Error(`The job queue refused a job for ${name}`);
			return id;
		},
		async cancel(name, id) {
			await boss.cancel(storedName(name), id);
		},
		async work(name, handler) {
			// pg-boss waits its polling interval after every fetch, even one that found a job;
			// telling the worker right away keeps a busy queue moving at the pace of its jobs.
			for (let slot = 0; slot < (concurrency[name] ?? 1); slot++) {
				const workerId: string = await boss.work<object>(
					storedName(name),
					{ batchSize: 1, pollingIntervalSeconds: 1, includeMetadata: true },
					async (jobs) => {
						try {
							let output: unknown;
							for (const job of jobs)
								output = await handler(job.data as never, {
									jobId: job.id,
									isFinal: job.retryCount >= job.retryLimit
								});
							// pg-boss keeps what the handler of a single job returns as its output.
							return output;
						} finally {
							if (jobs.length) boss.notifyWorker(workerId);
						}
					}
				);
			}
		},
		async get(name, id) {
			if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
			const job = await boss.getJobById(storedName(name), id, { includeArchive: true });
			return job
				? { id: job.id, state: job.state as JobRecord['state'], data: job.data, output: job.output }
				: null;
		},
		async close() {
			await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
		}
	};
}
