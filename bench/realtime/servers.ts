// The app processes under test (`node server.js`, as `npm start` runs it) and the check that
// they speak the realtime protocol before any load starts.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '$lib/domain/realtime/protocol';
import { freePort } from '$lib/server/adapters/postgres/embedded';
import { withRaisedFileLimit } from './workers';

export interface AppProcess {
	url: string;
	pid: number;
	output(): string;
	stop(): Promise<void>;
}

export async function startAppProcess(options: {
	root: string;
	appDir: string;
	env: Record<string, string>;
	/** Extra node flags, e.g. `--cpu-prof` (BENCH_SERVER_NODE_ARGS). */
	nodeArgs: string[];
	timeoutMs: number;
}): Promise<AppProcess> {
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	const lines: string[] = [];
	const [command, args] = withRaisedFileLimit([
		process.execPath,
		...options.nodeArgs,
		path.join(options.appDir, 'server.js')
	]);
	// cwd stays the project root: the app reads prisma/migrations from there.
	const child: ChildProcess = spawn(command, args, {
		cwd: options.root,
		// Its own process group, so stopping it stops everything it started.
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
		env: {
			...process.env,
			...options.env,
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
		// SIGTERM lets the server close cleanly, which is also when `--cpu-prof` writes its file.
		signalGroup('SIGTERM');
		const timer = setTimeout(() => signalGroup('SIGKILL'), 15_000);
		await exit;
		clearTimeout(timer);
	};

	const deadline = Date.now() + options.timeoutMs;
	while (Date.now() < deadline && !exited) {
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

/**
 * One client through the whole handshake: connect with the token, join the sheet, sync a
 * record. Throws an error that says which step the server does not answer.
 */
export async function probeRealtime(options: {
	url: string;
	token: string;
	space: string;
	sheet: string;
	record: string;
	timeoutMs: number;
}): Promise<void> {
	const { url, timeoutMs } = options;
	const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, {
		transports: ['websocket'],
		auth: { token: options.token },
		forceNew: true,
		reconnection: false,
		timeout: timeoutMs
	});
	try {
		await new Promise<void>((resolve, reject) => {
			socket.once('connect', () => resolve());
			socket.once('connect_error', (error) =>
				reject(
					new Error(
						`no socket.io connection to ${url}/socket.io/ (${error.message}): is the realtime transport mounted on the app server?`
					)
				)
			);
		});
		const join = await socket
			.timeout(timeoutMs)
			.emitWithAck('sheet:join', { space: options.space, type: options.sheet })
			.catch(() => {
				throw new Error(
					`the server accepted the socket but did not answer sheet:join within ${timeoutMs / 1000} s`
				);
			});
		if (!join.ok)
			throw new Error(`sheet:join was refused: ${join.error.code}: ${join.error.message}`);
		const sync = await socket
			.timeout(timeoutMs)
			.emitWithAck('doc:sync', { doc: options.record })
			.catch(() => {
				throw new Error(`the server did not answer doc:sync within ${timeoutMs / 1000} s`);
			});
		if (!sync.ok)
			throw new Error(`doc:sync was refused: ${sync.error.code}: ${sync.error.message}`);
	} finally {
		socket.disconnect();
	}
}
