// Boots the real application context against the test database and Redis, and makes users,
// spaces and memberships the way the app does (through the definer functions, as the runtime
// role), so tests exercise the same policies a request does.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import type { Actor } from '$lib/server/auth/actor';
import { boot, shutdown, type AppContext } from '$lib/server/context';
import { withActor, withAnonymous } from '$lib/server/db';
import type { Role } from '$lib/domain/roles';

/** Shared by the test process and app servers it starts: the runtime role's password derives from it. */
export const TEST_AUTH_SECRET = 'test-secret-that-is-long-enough-for-hmac';

/** `env` overrides the defaults; a value of `undefined` unsets one (`REDIS_URL` for in-process). */
export async function bootTestApp(
	env: Record<string, string | undefined> = {}
): Promise<AppContext> {
	const redisUrl = inject('redisUrl');
	return boot({
		env: {
			NODE_ENV: 'test',
			DATABASE_URL: inject('databaseUrl'),
			...(redisUrl ? { REDIS_URL: redisUrl } : {}),
			DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'roster-test-')),
			AUTH_SECRET: TEST_AUTH_SECRET,
			RATE_LIMIT_WRITES_PER_MINUTE: '100000',
			RATE_LIMIT_LIVE_EDITS_PER_MINUTE: '100000',
			RATE_LIMIT_ACCOUNT_MAIL_PER_HOUR: '100000',
			RATE_LIMIT_SIGNIN_PER_MINUTE: '1000',
			RATE_LIMIT_SIGNIN_PER_ADDRESS_PER_MINUTE: '1000',
			SEED_DEMO: 'false',
			...env
		},
		log: () => undefined
	});
}

export const stopTestApp = shutdown;

export interface TestUser {
	id: string;
	email: string;
	actor: Actor;
}

export async function createUser(context: AppContext, name = 'Test User'): Promise<TestUser> {
	const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${randomUUID().slice(0, 8)}@example.test`;
	const id = await withAnonymous(context.db.runtime, async (tx) => {
		const { rows } = await tx.query<{ id: string }>(
			'select app_register_user($1, $2, null) as id',
			[email, name]
		);
		return rows[0]!.id;
	});
	return { id, email, actor: { userId: id, via: 'api' } };
}

export async function createSpace(context: AppContext, owner: TestUser, name = 'Test Space') {
	const slug = `t-${randomUUID().slice(0, 12)}`;
	const id = await withActor(context.db.runtime, owner.actor, async (tx) => {
		const { rows } = await tx.query<{ id: string }>('select app_create_space($1, $2) as id', [
			slug,
			name
		]);
		return rows[0]!.id;
	});
	return { id, slug };
}

/**
 * Adds a member the way the app does: the owner invites, the member accepts the link (a
 * membership needs its user's acceptance); someone already in the space gets `role` from the
 * owner instead.
 */
export async function addMember(
	context: AppContext,
	owner: TestUser,
	spaceId: string,
	member: TestUser,
	role: Role
) {
	const hash = `test-invitation-${randomUUID()}`;
	await withActor(context.db.runtime, owner.actor, (tx) =>
		tx.query('select app_invite($1, $2, $3, $4)', [spaceId, member.email, role, hash])
	);
	const [joined] = await withActor(context.db.runtime, member.actor, async (tx) => {
		const { rows } = await tx.query<{ role: Role }>('select role from app_accept_invitation($1)', [
			hash
		]);
		return rows;
	});
	if (joined?.role === role) return;
	await withActor(context.db.runtime, owner.actor, (tx) =>
		tx.query('update memberships set role = $3 where space_id = $1 and user_id = $2', [
			spaceId,
			member.id,
			role
		])
	);
}

/** A raw connection as the runtime role, for tests that must show what SQL alone can reach. */
export async function runtimeClient(context: AppContext): Promise<pg.Client> {
	const client = new pg.Client({ connectionString: context.db.runtimeUrl });
	await client.connect();
	return client;
}
