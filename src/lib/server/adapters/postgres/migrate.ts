// Applies prisma/migrations/NNNN_name/migration.sql in order, each in its own transaction,
// and records it. Runs as the owner role; concurrent starters wait on an advisory lock.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';

const LOCK_KEY = 727_274_001;

export interface MigrationResult {
	applied: string[];
}

export async function runMigrations(options: {
	pool: pg.Pool;
	dir?: string;
}): Promise<MigrationResult> {
	const dir = options.dir ?? path.resolve('prisma/migrations');
	const names = (await readdir(dir, { withFileTypes: true }))
		.filter((entry) => entry.isDirectory() && /^\d{4}_/.test(entry.name))
		.map((entry) => entry.name)
		.sort();

	const client = await options.pool.connect();
	const applied: string[] = [];
	try {
		await client.query('select pg_advisory_lock($1)', [LOCK_KEY]);
		await client.query(`create table if not exists schema_migrations (
			name text primary key,
			applied_at timestamptz not null default now()
		)`);
		const done = new Set(
			(await client.query<{ name: string }>('select name from schema_migrations')).rows.map(
				(row) => row.name
			)
		);
		for (const name of names) {
			if (done.has(name)) continue;
			const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
			await client.query('begin');
			try {
				await client.query(sql);
				await client.query('insert into schema_migrations (name) values ($1)', [name]);
				await client.query('commit');
				applied.push(name);
			} catch (error) {
				await client.query('rollback');
				throw new Error(`Migration ${name} failed: ${(error as Error).message}`, { cause: error });
			}
		}
	} finally {
		await client.query('select pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
		client.release();
	}
	return { applied };
}
