// The real app server as a child process, and its API driven by autocannon.
// The server runs from a private copy of build/ and server.js: other work on this checkout may
// rebuild build/ at any time, and SvelteKit loads route chunks lazily, on first request.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { freePort } from '$lib/server/adapters/postgres/embedded';
import { cpuSeconds, machineJiffies, rssMiB } from './machine';

export interface AppServer {
	url: string;
	pid: number;
	/** The last lines the server printed, for a failure message. */
	output(): string;
	stop(): Promise<void>;
}

function newest(target: string): number {
	if (!existsSync(target)) return 0;
	const stat = statSync(target);
	if (!stat.isDirectory()) return stat.mtimeMs;
	return readdirSync(target).reduce(
		(latest, entry) => Math.max(latest, newest(path.join(target, entry))),
		stat.mtimeMs
	);
}

/**
 * As `npm start` does (scripts/start.js): build when the build (`buildDir`, default build/) is
 * missing or older than the sources, unless `rebuild` is false; then copy it aside to
 * `appDir/build`. Returns a line saying which build is served.
 */
export function prepareAppBuild(
	root: string,
	appDir: string,
	options: { buildDir?: string; rebuild?: boolean } = {}
): string {
	const buildDir = options.buildDir ?? 'build';
	const handler = path.join(root, buildDir, 'handler.js');
	const sources = [
		'src',
		'realtime',
		'static',
		'package.json',
		'svelte.config.js',
		'vite.config.ts'
	];
	const isStale =
		!existsSync(handler) ||
		Math.max(...sources.map((source) => newest(path.join(root, source)))) >
			statSync(handler).mtimeMs;
	let note = `the existing ${buildDir}/`;
	if (isStale && options.rebuild !== false) {
		try {
			execFileSync(
				process.execPath,
				[path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'],
				{
					cwd: root,
					stdio: 'pipe',
					timeout: 900_000,
					env: { ...process.env, NODE_ENV: 'production' }
				}
			);
			note = `a fresh build in ${buildDir}/ (vite build)`;
		} catch (error) {
			if (!existsSync(handler)) {
				throw new Error(
					`vite build failed: ${String((error as { stderr?: Buffer }).stderr ?? error).slice(-800)}`,
					{
						cause: error
					}
				);
			}
			note = `the existing ${buildDir}/ (a rebuild of newer sources failed)`;
		}
	}
	for (let attempt = 1; ; attempt++) {
		rmSync(appDir, { recursive: true, force: true });
		try {
			cpSync(path.join(root, buildDir), path.join(appDir, 'build'), { recursive: true });
			cpSync(path.join(root, 'server.js'), path.join(appDir, 'server.js'));
			if (existsSync(path.join(appDir, 'build', 'handler.js'))) break;
		} catch {
			// A concurrent rebuild emptied build/ while we copied; try again.
		}
		if (attempt === 5)
			throw new Error(`${buildDir}/ kept changing while it was copied (another build running?)`);
		execFileSync('sleep', ['5']);
	}
	return `${note}, built ${new Date(statSync(path.join(appDir, 'build', 'handler.js')).mtimeMs).toISOString()}`;
}

export async function startAppServer(options: {
	root: string;
	appDir: string;
	env: Record<string, string>;
	timeoutMs: number;
}): Promise<AppServer> {
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	const lines: string[] = [];
	// cwd stays the project root: the app reads prisma/migrations from there.
	const child: ChildProcess = spawn(process.execPath, [path.join(options.appDir, 'server.js')], {
		cwd: options.root,
		// Its own process group, so stopping it stops everything it started.
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
		env: {
			...process.env,
			...options.env,
			BUILD_DIR: 'build',
			PORT: String(port),
			HOST: '127.0.0.1',
			ORIGIN: url,
			NODE_ENV: 'production'
		}
	});
	const remember = (chunk: Buffer) => {
		lines.push(...chunk.toString().split('\n').filter(Boolean));
		lines.splice(0, Math.max(0, lines.length - 40));
	};
	child.stdout?.on('data', remember);
	child.stderr?.on('data', remember);
	let exited: string | undefined;
	const exit = new Promise<void>((resolve) =>
		child.once('exit', (code, signal) => {
			exited = `exited with ${signal ?? `code ${code}`}`;
			resolve();
		})
	);

	const stop = async () => {
		if (exited || child.pid === undefined) return;
		const signalGroup = (signal: NodeJS.Signals) => {
			try {
				process.kill(-child.pid!, signal);
			} catch {
				// Already gone.
			}
		};
		signalGroup('SIGTERM');
		const timer = setTimeout(() => signalGroup('SIGKILL'), 10_000);
		await exit;
		clearTimeout(timer);
	};

	const deadline = Date.now() + options.timeoutMs;
	while (Date.now() < deadline) {
		if (exited) break;
		try {
			const response = await fetch(`${url}/api/health`);
			await response.arrayBuffer();
			if (response.ok) return { url, pid: child.pid!, output: () => lines.join('\n'), stop };
		} catch {
			// Not listening yet.
		}
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	await stop();
	throw new Error(
		`the app server ${exited ?? `did not answer /api/health within ${options.timeoutMs / 1000} s`}; its last output:\n${lines.join('\n')}`
	);
}

export interface HttpResult {
	rps: number;
	requests: number;
	latencyP50Ms: number;
	latencyP99Ms: number;
	latencyMeanMs: number;
	non2xx: number;
	errors: number;
	timeouts: number;
	seconds: number;
	serverCpuPercent?: number;
	loadGeneratorCpuPercent: number;
	machineBusyPercent?: number;
	serverRssMiB?: number;
}

/** One request of a run: built fresh for every request autocannon sends. */
export interface BenchRequest {
	method: 'GET' | 'PATCH';
	path: string;
	headers?: Record<string, string>;
	body?: string;
}

/** Drives `next()`'s requests with a bearer token, after a short warm-up. */
export async function driveRequests(options: {
	server: AppServer;
	token: string;
	next: () => BenchRequest;
	connections: number;
	seconds: number;
}): Promise<HttpResult> {
	const { server, token } = options;
	const run = (connections: number, duration: number) =>
		autocannon({
			url: server.url,
			connections,
			duration,
			headers: { authorization: `Bearer ${token}` },
			requests: [
				{
					setupRequest: (request: Record<string, unknown>) => {
						const next = options.next();
						return {
							...request,
							method: next.method,
							path: next.path,
							headers: { ...(request.headers as object), ...next.headers },
							body: next.body
						};
					}
				}
			]
		});
	// A short warm-up: JIT, pool connections, the schema cache.
	await run(Math.min(10, options.connections), 2);

	const serverCpu = cpuSeconds(server.pid);
	const machine = machineJiffies();
	const ownCpu = process.cpuUsage();
	const result = await run(options.connections, options.seconds);
	const ownUsed = process.cpuUsage(ownCpu);
	const serverCpuAfter = cpuSeconds(server.pid);
	const machineAfter = machineJiffies();
	const seconds = result.duration;
	return {
		rps: Math.round(result.requests.average),
		requests: result.requests.total,
		latencyP50Ms: result.latency.p50,
		latencyP99Ms: result.latency.p99,
		latencyMeanMs: result.latency.average,
		non2xx: result.non2xx,
		errors: result.errors,
		timeouts: result.timeouts,
		seconds,
		serverCpuPercent:
			serverCpu !== undefined && serverCpuAfter !== undefined
				? Math.round(((serverCpuAfter - serverCpu) / seconds) * 100)
				: undefined,
		loadGeneratorCpuPercent: Math.round(((ownUsed.user + ownUsed.system) / 1e6 / seconds) * 100),
		machineBusyPercent:
			machine && machineAfter
				? Math.round(
						((machineAfter.busy - machine.busy) / (machineAfter.total - machine.total)) * 100
					)
				: undefined,
		serverRssMiB: rssMiB(server.pid)
	};
}

/**
 * Ceilings of the same server on this machine, for reading the entity figure: a 401 answered by
 * the hooks alone (no database), and /api/health (one query on the runtime pool).
 */
export async function measureCeilings(
	server: AppServer,
	seconds: number
): Promise<{ unauthorizedRps: number; healthRps: number }> {
	const rps = async (path: string) => {
		const result = await autocannon({
			url: `${server.url}${path}`,
			connections: 50,
			duration: seconds
		});
		return Math.round(result.requests.average);
	};
	return {
		unauthorizedRps: await rps('/api/data/entity/not-a-record'),
		healthRps: await rps('/api/health')
	};
}
