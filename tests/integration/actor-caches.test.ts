// What the read path now keeps instead of asking again, and that each copy dies the moment the
// truth changes: a server's cached token is refused as soon as another process revokes it, and
// the memberships a transaction computed once are computed again after it changes them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRelay } from '$realtime/index';
import type { AppContext } from '$lib/server/context';
import { createApiToken, revokeApiToken } from '$lib/server/auth/api-tokens';
import { withActor } from '$lib/server/db';
import { removeMember } from '$lib/server/services/members';
import {
	addMember,
	bootTestApp,
	createSpace,
	createUser,
	stopTestApp,
	type TestUser
} from '../support/app';
import { startAppServer, type AppServer } from '../support/server';

let context: AppContext;
let server: AppServer;
let owner: TestUser;
let space: { id: string; slug: string };

beforeAll(async () => {
	context = await bootTestApp();
	// This process's access changes reach the server through Redis, as a second app process's do.
	startRelay(context);
	owner = await createUser(context, 'Cache Owner');
	space = await createSpace(context, owner, 'Caches');
	server = await startAppServer();
}, 120_000);

afterAll(async () => {
	await server?.stop();
	// Not relay.close(): its socket.io server was never attached to an HTTP server, and closing
	// it throws on the missing engine (realtime/index.ts). The test process ends it.
	await stopTestApp();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The status of a token's read on the server, polled until `expected` or 3 s. */
async function statusWithin(secret: string, expected: number): Promise<number> {
	let status = 0;
	for (let attempt = 0; attempt < 30; attempt++) {
		const response = await fetch(`${server.url}/api/spaces/${space.slug}/rest`, {
			headers: { authorization: `Bearer ${secret}` }
		});
		await response.arrayBuffer();
		status = response.status;
		if (status === expected) return status;
		await sleep(100);
	}
	return status;
}

describe('the token cache', () => {
	it('refuses a token revoked in another process at once, though the server had cached it', async () => {
		const token = await createApiToken({
			context,
			actor: owner.actor,
			space: space.slug,
			input: { name: 'soon revoked', role: 'viewer' }
		});
		// Warm: the server now holds the token for its cache lifetime (10 s).
		expect(await statusWithin(token.secret, 200)).toBe(200);
		expect(await statusWithin(token.secret, 200)).toBe(200);
		await revokeApiToken({ context, actor: owner.actor, space: space.slug, id: token.id });
		const started = Date.now();
		expect(await statusWithin(token.secret, 401)).toBe(401);
		expect(Date.now() - started).toBeLessThan(3_000);
	});

	it('refuses the token of a member removed in another process at once', async () => {
		const member = await createUser(context, 'Leaving Member');
		await addMember(context, owner, space.id, member, 'editor');
		const token = await createApiToken({
			context,
			actor: member.actor,
			space: space.slug,
			input: { name: 'leaves with me', role: 'viewer' }
		});
		expect(await statusWithin(token.secret, 200)).toBe(200);
		await removeMember({ context, actor: owner.actor, space: space.slug, userId: member.id });
		expect(await statusWithin(token.secret, 401)).toBe(401);
	});
});

describe('memberships computed once per transaction', () => {
	it('are computed again when the transaction changes them', async () => {
		const creator = await createUser(context, 'Creator');
		const seen = await withActor(context.db.runtime, creator.actor, async (tx) => {
			// Computed here: no spaces yet.
			const before = await tx.query<{ n: number }>('select count(*)::int as n from spaces');
			const { rows } = await tx.query<{ id: string }>(
				"select app_create_space('made-in-one-tx', 'Made in one transaction') as id"
			);
			// The membership app_create_space inserted must count in the same transaction.
			const after = await tx.query<{ n: number }>('select count(*)::int as n from spaces');
			await tx.query('insert into entity_types (space_id, key, name) values ($1, $2, $3)', [
				rows[0]!.id,
				'things',
				'Things'
			]);
			return { before: before.rows[0]!.n, after: after.rows[0]!.n };
		});
		expect(seen).toEqual({ before: 0, after: 1 });
	});

	it('follow an identity switched inside the transaction', async () => {
		const outsider = await createUser(context, 'Outsider');
		const counts = await withActor(context.db.runtime, owner.actor, async (tx) => {
			const mine = await tx.query<{ n: number }>('select count(*)::int as n from spaces');
			await tx.query("select set_config('app.current_user_id', $1, true)", [outsider.id]);
			const theirs = await tx.query<{ n: number }>('select count(*)::int as n from spaces');
			return [mine.rows[0]!.n, theirs.rows[0]!.n];
		});
		expect(counts[0]).toBeGreaterThan(0);
		expect(counts[1]).toBe(0);
	});
});
