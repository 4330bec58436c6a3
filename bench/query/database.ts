// A fresh `roster_bench` database: on the server DATABASE_URL names, or on an embedded Postgres
// kept under .data/bench (its own cluster, so tuning it touches nobody else's data).
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '$lib/server/adapters/postgres/embedded';

export const BENCH_DATABASE = 'roster_bench';

export interface BenchDatabase {
	/** Owner (superuser) URL of the fresh bench database. */
	url: string;
	where: string;
	stop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
	const parsed = new URL(url);
	parsed.pathname = `/${database}`;
	return parsed.toString();
}

async function recreate(adminUrl: string, database: string): Promise<void> {
	const client = new pg.Client({ connectionString: adminUrl });
	await client.connect();
	try {
		await client.query(`drop database if exists ${database} with (force)`);
		await client.query(`create database ${database}`);
	} finally {
		await client.end();
	}
}

/**
 * Settings of the embedded cluster only: a bigger WAL budget so a 10M-row load is not one
 * checkpoint after another. Queries run with Postgres defaults otherwise.
 */
async function tuneEmbedded(adminUrl: string): Promise<void> {
	const client = new pg.Client({ connectionString: adminUrl });
	await client.connect();
	try {
		await client.query(`alter system set max_wal_size = '8GB'`);
		await client.query(`alter system set checkpoint_timeout = '30min'`);
		await client.query('select pg_reload_conf()');
	} finally {
		await client.end();
	}
}

/**
 * The realtime bench passes its own database and directory, so that it can run while the
 * query bench holds `roster_bench` and `.data/bench`.
 */
export async function openBenchDatabase(
	log: (line: string) => void,
	options: { database?: string; dataDir?: string } = {}
): Promise<BenchDatabase> {
	const database = options.database ?? BENCH_DATABASE;
	const external = process.env.DATABASE_URL;
	if (external) {
		// Drop and create from the maintenance database when the URL already names the bench one.
		const isBench = new URL(external).pathname.replace(/^\//, '') === database;
		const adminUrl = isBench ? withDatabase(external, 'postgres') : external;
		await recreate(adminUrl, database);
		const url = withDatabase(external, database);
		return {
			url,
			where: `DATABASE_URL server (${new URL(url).host})`,
			stop: async () => undefined
		};
	}
	const dataDir = path.resolve(options.dataDir ?? '.data/bench');
	log(`Starting embedded Postgres in ${dataDir}/pg ...`);
	const embedded = await startEmbeddedPostgres({ dataDir, database: 'postgres' });
	try {
		await tuneEmbedded(embedded.url);
		await recreate(embedded.url, database);
	} catch (error) {
		await embedded.stop();
		throw error;
	}
	const url = withDatabase(embedded.url, database);
	return {
		url,
		where: `embedded Postgres (${dataDir}, port ${new URL(url).port})`,
		stop: embedded.stop
	};
}
