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
	} finally {
		client.release();
	}
}

/** The same server and database as the owner URL, logged in as the runtime role. */
export function runtimeUrl(ownerUrl: string, role: string, password: string): string {
	const url = new URL(ownerUrl);
	url.username = role;
	url.password = password;
	return url.toString();
}
