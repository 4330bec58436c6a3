// Runs the built app (`node server.js`) as a child process on a free port against the test
// database and Redis, the way `npm start` runs it in production.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { freePort } from '$lib/server/adapters/postgres/embedded';
import { TEST_AUTH_SECRET } from './app';

export interface AppServer {
	url: string;
	port: number;
	output: () => string;
	stop(): Promise<void>;
	/** kill -9: no shutdown hook runs, as in a crash. */
	kill(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;

export function ensureBuilt(): void {
	if (existsSync(path.join(process.env.BUILD_DIR ?? 'build', 'handler.js'))) return;
	const result = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build'], {
		stdio: 'inherit'
	});
	if (result.status !== 0) throw new Error('vite build failed');
}

export async function startAppServer(env: Record<string, string> = {}): Promise<AppServer> {
	ensureBuilt();
	const port = env.PORT ? Number(env.PORT) : await freePort();
	const redisUrl = inject('redisUrl');
	const child: ChildProcess = spawn(process.execPath, ['server.js'], {
		env: {
			...process.env,
			NODE_ENV: 'production',
			PORT: String(port),
			HOST: '127.0.0.1',
			DATABASE_URL: inject('databaseUrl'),
			...(redisUrl ? { REDIS_URL: redisUrl } : {}),
			DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'roster-server-')),
			AUTH_SECRET: TEST_AUTH_SECRET,
			SEED_DEMO: 'false',
			// Browser suites sign the same people in many times a minute; the limits themselves are
			// proven in tests/integration/auth.test.ts and key-value.test.ts.
			RATE_LIMIT_SIGNIN_PER_MINUTE: '1000',
			RATE_LIMIT_SIGNIN_PER_ADDRESS_PER_MINUTE: '1000',
			// Every suite signs in from 127.0.0.1 and the counts live in the shared Redis for the
			// failure window: the suites' few wrong passwords must not add up across runs.
			RATE_LIMIT_SIGNIN_FAILURES_PER_ADDRESS: '1000',
			RATE_LIMIT_WRITES_PER_MINUTE: '100000',
			RATE_LIMIT_LIVE_EDITS_PER_MINUTE: '100000',
			RATE_LIMIT_ACCOUNT_MAIL_PER_HOUR: '100000',
			...env
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	child.stdout!.on('data', (chunk) => (output += chunk));
	child.stderr!.on('data', (chunk) => (output += chunk));
	await new Promise<void>((resolve, reject) => {
		const timer = setTimeout(
			() => reject(new Error(`The app did not start:\n${output}`)),
			READY_TIMEOUT_MS
		);
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`The app exited with ${code}:\n${output}`));
		});
		child.stdout!.on('data', () => {
			if (output.includes('Roster is running at')) {
				clearTimeout(timer);
				resolve();
			}
		});
	});
	const exited = new Promise<void>((resolve) => {
		if (child.exitCode !== null || child.signalCode !== null) resolve();
		else child.once('exit', () => resolve());
	});
	return {
		url: `http://127.0.0.1:${port}`,
		port,
		output: () => output,
		kill: () => {
			child.kill('SIGKILL');
			return exited;
		},
		stop: () =>
			new Promise<void>((resolve) => {
				if (child.exitCode !== null || child.signalCode !== null) return resolve();
				child.once('exit', () => resolve());
				child.kill('SIGTERM');
				setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
			})
	};
}
