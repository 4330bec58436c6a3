// The load-generator workers, seen from the bench process: one child process each, one
// command at a time, each answered by one reply.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command, Reply } from './messages';

const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'worker.ts');

/**
 * Runs `argv` with the soft file-descriptor limit raised to the hard one: every socket is a
 * descriptor, and a soft limit of 1,024 is common. `exec` keeps the pid, so /proc figures
 * and signals reach the process itself.
 */
export function withRaisedFileLimit(argv: string[]): [string, string[]] {
	return ['/bin/sh', ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"', 'sh', ...argv]];
}

type ReplyOf<T extends Reply['type']> = Extract<Reply, { type: T }>;

class Worker {
	private waiting: { resolve: (reply: Reply) => void; reject: (error: Error) => void }[] = [];
	private exited: string | undefined;
	readonly exit: Promise<void>;

	constructor(
		readonly number: number,
		private readonly child: ChildProcess
	) {
		child.on('message', (reply: Reply) => {
			const next = this.waiting.shift();
			if (!next) return;
			if (reply.type === 'error') next.reject(new Error(`worker ${number}: ${reply.message}`));
			else next.resolve(reply);
		});
		this.exit = new Promise((resolve) =>
			child.once('exit', (code, signal) => {
				this.exited = `exited with ${signal ?? `code ${code}`}`;
				for (const waiter of this.waiting.splice(0))
					waiter.reject(new Error(`load-generator worker ${number} ${this.exited}`));
				resolve();
			})
		);
	}

	get pid(): number {
		return this.child.pid!;
	}

	/** Sends `command` (none: just waits) and resolves with the next reply, of type `expect`. */
	request<T extends Reply['type']>(command: Command | null, expect: T): Promise<ReplyOf<T>> {
		if (this.exited)
			return Promise.reject(new Error(`load-generator worker ${this.number} ${this.exited}`));
		return new Promise((resolve, reject) => {
			this.waiting.push({
				resolve: (reply) =>
					reply.type === expect
						? resolve(reply as ReplyOf<T>)
						: reject(new Error(`worker ${this.number} answered ${reply.type}, not ${expect}`)),
				reject
			});
			if (command) this.child.send(command);
		});
	}

	async close(): Promise<void> {
		if (this.exited) return;
		if (this.child.connected) this.child.send({ type: 'close' } satisfies Command);
		const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
		await this.exit;
		clearTimeout(timer);
	}
}

export class WorkerPool {
	private constructor(readonly workers: Worker[]) {}

	static async start(count: number, root: string): Promise<WorkerPool> {
		const workers = Array.from({ length: count }, (_, number) => {
			// BENCH_WORKER_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) profiles the workers.
			const extra = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
			const [command, args] = withRaisedFileLimit([
				process.execPath,
				...extra,
				'--import',
				'tsx',
				WORKER
			]);
			const child = spawn(command, args, {
				cwd: root,
				stdio: ['ignore', 'inherit', 'inherit', 'ipc']
			});
			return new Worker(number, child);
		});
		const pool = new WorkerPool(workers);
		try {
			await Promise.all(
				workers.map(
					(worker) =>
						new Promise<void>((resolve, reject) => {
							const timer = setTimeout(
								() => reject(new Error(`worker ${worker.number} did not start in 30 s`)),
								30_000
							);
							worker
								.request(null, 'ready')
								.then(() => resolve(), reject)
								.finally(() => clearTimeout(timer));
						})
				)
			);
		} catch (error) {
			await pool.close();
			throw error;
		}
		return pool;
	}

	get pids(): number[] {
		return this.workers.map((worker) => worker.pid);
	}

	/** The same command to every worker, or one per worker from `commandOf`. */
	all<T extends Reply['type']>(
		commandOf: Command | ((worker: number) => Command),
		expect: T
	): Promise<ReplyOf<T>[]> {
		return Promise.all(
			this.workers.map((worker) =>
				worker.request(
					typeof commandOf === 'function' ? commandOf(worker.number) : commandOf,
					expect
				)
			)
		);
	}

	async close(): Promise<void> {
		await Promise.all(this.workers.map((worker) => worker.close()));
	}
}
