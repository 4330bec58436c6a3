// A throwaway redis-server for tests on machines where REDIS_URL is not set: a free loopback
// port, no persistence, stopped by the caller.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '$lib/server/adapters/postgres/embedded';

export interface RedisServer {
	url: string;
	port: number;
	stop(): Promise<void>;
}

/** The redis-server on PATH, if any; tests that need Redis skip when this and REDIS_URL are absent. */
export function redisServerBinary(): string | undefined {
	for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
		if (!dir) continue;
		const candidate = path.join(dir, 'redis-server');
		try {
			accessSync(candidate, constants.X_OK);
			return candidate;
		} catch {
			continue;
		}
	}
	return undefined;
}

const READY_TIMEOUT_MS = 10_000;

/** Starts redis-server on a free port, or on `port` (to bring one back after stopping it). */
export async function startRedisServer(options: { port?: number } = {}): Promise<RedisServer> {
	const binary = redisServerBinary();
	if (!binary) throw new Error('redis-server is not on PATH; install it or set REDIS_URL');
	const port = options.port ?? (await freePort());
	// Its own working directory, so nothing it might write lands in the repository.
	const dir = await mkdtemp(path.join(os.tmpdir(), 'roster-redis-'));
	const child = spawn(
		binary,
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			'--dir',
			dir
		],
		{ stdio: ['ignore', 'pipe', 'pipe'] }
	);

	let output = '';
	await new Promise<void>((resolve, reject) => {
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error(`redis-server did not start within ${READY_TIMEOUT_MS} ms:\n${output}`));
		}, READY_TIMEOUT_MS);
		const onData = (chunk: Buffer) => {
			output += chunk.toString();
			if (output.includes('Ready to accept connections')) {
				clearTimeout(timer);
				resolve();
			}
		};
		child.stdout.on('data', onData);
		child.stderr.on('data', onData);
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`redis-server exited with code ${code}:\n${output}`));
		});
	});

	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	return {
		url: `redis://127.0.0.1:${port}`,
		port,
		async stop() {
			if (child.exitCode === null && child.signalCode === null) {
				child.kill('SIGTERM');
				await exited;
			}
			await rm(dir, { recursive: true, force: true });
		}
	};
}
