// The login roles the app runs as, created by the owner connection when only DATABASE_URL is
// given. The runtime role (request work) inherits the table grants of `roster_runtime`; the
// credentials role (sign-in only) inherits `roster_credentials`, which may read password hashes
// and nothing else. Neither has BYPASSRLS, superuser or ownership.
import { createHmac } from 'node:crypto';
import pg from 'pg';

export function runtimePassword(secret: string): string {
	return createHmac('sha256', secret).update('roster runtime database role').digest('base64url');
}

export function credentialsPassword(secret: string): string {
	return createHmac('sha256', secret)
		.update('roster credentials database role')
		.digest('base64url');
}

export function ensureRuntimeRole(options: {
	pool: pg.Pool;
	role: string;
	password: string;
}): Promise<void> {
	return ensureLoginRole({ ...options, group: 'roster_runtime' });
}

/**
 * The sign-in role: a member of `roster_credentials` only. It is also taken out of
 * `roster_runtime` should an earlier setup have put it there, so the two stay apart.
 */
export function ensureCredentialsRole(options: {
	pool: pg.Pool;
	role: string;
	password: string;
}): Promise<void> {
	return ensureLoginRole({ ...options, group: 'roster_credentials', notIn: 'roster_runtime' });
}

async function ensureLoginRole(options: {
	pool: pg.Pool;
	role: string;
	password: string;
	group: 'roster_runtime' | 'roster_credentials';
	notIn?: 'roster_runtime';
}): Promise<void> {
	const { pool, role, password, group } = options;
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
		await client.query(`grant ${group} to ${quoted}`);
		if (options.notIn) await client.query(`revoke ${options.notIn} from ${quoted}`);
		// The runtime role must never reach the hashes, whatever was granted before.
		if (group === 'roster_runtime') await client.query(`revoke roster_credentials from ${quoted}`);
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

/** The same server and database as the owner URL, logged in as `role`. */
export function runtimeUrl(ownerUrl: string, role: string, password: string): string {
	const url = new URL(ownerUrl);
	url.username = role;
	url.password = password;
	return url.toString();
}
