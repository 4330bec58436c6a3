// The role request work runs as. Created by the owner connection when only DATABASE_URL is
// given: it logs in, inherits the table grants of `roster_runtime`, and has no BYPASSRLS, no
// superuser and no ownership, so every query it makes is subject to the policies.
import { createHmac } from 'node:crypto';
import pg from 'pg';

export function runtimePassword(secret: string): string {
	return createHmac('sha256', secret).update('roster runtime database role').digest('base64url');
}

export async function ensureRuntimeRole(options: {
	pool: pg.Pool;
	role: string;
	password: string;
}): Promise<void> {
	const { pool, role, password } = options;
	const ident = pg.escapeIdentifier;
	const client = await pool.connect();
	try {
		await withRetry(async () => {
			// Processes starting together would otherwise race on the same catalog rows ("tuple
			// concurrently updated"). The lock serialises those on one database; roles are
			// cluster-wide, so the retry covers processes on other databases of the same server.
			await client.query('begin');
			try {
				await client.query("select pg_advisory_xact_lock(hashtext('roster:runtime-role'))");
				await configure();
				await client.query('commit');
			} catch (error) {
				await client.query('rollback');
				throw error;
			}
		});
	} finally {
		client.release();
	}

	async function configure(): Promise<void> {
		const owner = await client.query<{ rolsuper: boolean; rolbypassrls: boolean }>(
			'select rolsuper, rolbypassrls from pg_roles where rolname = current_user'
		);
		const { rolsuper, rolbypassrls } = owner.rows[0]!;
		if (!rolsuper && !rolbypassrls) {
			// The policies' helper functions run as their owner and must see all memberships.
			throw new Error(
				'DATABASE_URL must name a superuser or a role with BYPASSRLS: it runs migrations and owns the policy functions'
			);
		}
		const exists = await client.query('select 1 from pg_roles where rolname = $1', [role]);
		const quoted = ident(role);
		const literal = client.escapeLiteral(password);
		if (exists.rowCount === 0) {
			await client.query(
				`create role ${quoted} login nosuperuser nobypassrls nocreatedb nocreaterole inherit password ${literal}`
			);
		} else {
			await client.query(
				`alter role ${quoted} login nosuperuser nobypassrls nocreatedb nocreaterole inherit password ${literal}`
			);
		}
		await client.query(`grant roster_runtime to ${quoted}`);
		// Our per-row lookups are unique-key probes, where Memoize saves nothing, but it sizes its
		// cache from the estimated distinct keys: on 1M records that set-up alone cost ~20 ms of a
		// 2 ms filtered page (bench:query, EXPLAIN ANALYZE as this role).
		await client.query(`alter role ${quoted} set enable_memoize = off`);
		const db = await client.query<{ db: string }>('select current_database() as db');
		await client.query(`grant connect on database ${ident(db.rows[0]!.db)} to ${quoted}`);
	}
}

/** Catalog races between servers: a concurrent update, or a role created meanwhile. */
const RACE_CODES = new Set(['XX000', '40001', '40P01', '42710', '23505']);

async function withRetry(work: () => Promise<void>, attempts = 5): Promise<void> {
	for (let attempt = 1; ; attempt++) {
		try {
			return await work();
		} catch (error) {
			const code = (error as { code?: string }).code;
			if (attempt >= attempts || !code || !RACE_CODES.has(code)) throw error;
			await new Promise((resolve) => setTimeout(resolve, 20 * attempt + Math.random() * 50));
		}
	}
}

/** The same server and database as the owner URL, logged in as the runtime role. */
export function runtimeUrl(ownerUrl: string, role: string, password: string): string {
	const url = new URL(ownerUrl);
	url.username = role;
	url.password = password;
	return url.toString();
}
