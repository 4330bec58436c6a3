// Accounts, membership management and API tokens against the real database and Redis: what a
// person signing up, an owner managing a space and a script holding a token rely on.
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppErrorCode } from '$lib/domain/errors';
import {
	createApiToken,
	listApiTokens,
	resolveBearer,
	revokeApiToken
} from '$lib/server/auth/api-tokens';
import type { Actor } from '$lib/server/auth/actor';
import { signUp, verifyCredentials } from '$lib/server/auth/users';
import type { AppContext } from '$lib/server/context';
import { withActor } from '$lib/server/db';
import {
	changeMemberRole,
	acceptInvitation,
	inviteMember,
	revokeInvitation,
	listMembers,
	removeMember
} from '$lib/server/services/members';
import { createSpace as createSpaceService, listSpaces } from '$lib/server/services/spaces';
import { addMember, bootTestApp, createSpace, createUser, stopTestApp } from '../support/app';

const SIGN_IN_LIMIT = 5;

let context: AppContext;

beforeAll(async () => {
	context = await bootTestApp({ RATE_LIMIT_SIGNIN_PER_MINUTE: String(SIGN_IN_LIMIT) });
});

afterAll(async () => {
	await stopTestApp();
});

const uniqueEmail = (name: string) => `${name}.${randomUUID().slice(0, 8)}@example.test`;
// Failure counts per address outlive a run (Redis, for the failure window): one address per
// test, from a space large enough that runs do not meet.
const octet = () => Math.floor(Math.random() * 250);
const uniqueIp = () => `10.${octet()}.${octet()}.${octet()}`;

/** The AppError a promise rejects with, as plain fields. */
async function failure(promise: Promise<unknown>) {
	const error = await promise.then(
		() => undefined,
		(reason: unknown) => reason
	);
	expect(error, 'expected the call to fail').toBeDefined();
	const { code, field, message } = error as { code?: string; field?: string; message: string };
	return { code, field, message };
}

describe('sign-up and sign-in', () => {
	it('signs up, then signs in with the same email in any case and the right password', async () => {
		const email = uniqueEmail('ada');
		const user = await signUp({
			context,
			input: { name: 'Ada Lovelace', email, password: 'analytical-engine' }
		});
		const signedIn = await verifyCredentials({
			context,
			email: email.toUpperCase(),
			password: 'analytical-engine',
			ip: uniqueIp()
		});
		expect(signedIn).toEqual({ id: user!.id, name: 'Ada Lovelace', email });
	});

	it('refuses a wrong password and an unknown email with the same clear error', async () => {
		const email = uniqueEmail('grace');
		await signUp({ context, input: { name: 'Grace', email, password: 'compiler-1952' } });

		const wrongPassword = await failure(
			verifyCredentials({ context, email, password: 'compiler-1953', ip: uniqueIp() })
		);
		expect(wrongPassword.code).toBe(AppErrorCode.Unauthorized);
		expect(wrongPassword.message).toBe('Wrong email or password');

		const unknownEmail = await failure(
			verifyCredentials({
				context,
				email: uniqueEmail('nobody'),
				password: 'compiler-1952',
				ip: uniqueIp()
			})
		);
		expect(unknownEmail).toEqual(wrongPassword);
	});

	it('names the missing field when signing in', async () => {
		const missing = await failure(
			verifyCredentials({ context, email: uniqueEmail('x'), password: '', ip: uniqueIp() })
		);
		expect(missing).toMatchObject({ code: AppErrorCode.InvalidInput, field: 'password' });
	});

	it('stops guessing after the limit, even with the right password, per email and address', async () => {
		const email = uniqueEmail('target');
		await signUp({ context, input: { name: 'Target', email, password: 'right-password' } });
		const ip = uniqueIp();
		for (let attempt = 0; attempt < SIGN_IN_LIMIT; attempt++) {
			const refused = await failure(
				verifyCredentials({ context, email, password: `guess-${attempt}`, ip })
			);
			expect(refused.code).toBe(AppErrorCode.Unauthorized);
		}
		const limited = await failure(
			verifyCredentials({ context, email, password: 'right-password', ip })
		);
		expect(limited.code).toBe(AppErrorCode.RateLimited);
		expect(limited.message).toMatch(/try again in \d+ seconds/);

		// The account itself is not locked for everyone else.
		const fromElsewhere = await verifyCredentials({
			context,
			email,
			password: 'right-password',
			ip: uniqueIp()
		});
		expect(fromElsewhere.email).toBe(email);
	});

	it('cuts off spraying many emails from one address before they all cost a password check', async () => {
		// Fifteen different accounts from one address, the attack the limit per email and address
		// alone never stops. Past the address's failure budget (default 10) the rest are refused
		// before any hash is looked at.
		const ip = uniqueIp();
		const codes: (string | undefined)[] = [];
		for (let attempt = 0; attempt < 15; attempt++) {
			const refused = await failure(
				verifyCredentials({ context, email: uniqueEmail(`spray${attempt}`), password: 'x', ip })
			);
			codes.push(refused.code);
		}
		expect(codes.slice(0, 10)).toEqual(Array(10).fill(AppErrorCode.Unauthorized));
		expect(codes.slice(10)).toEqual(Array(5).fill(AppErrorCode.RateLimited));
		// Refused before scrypt: a refusal takes a fraction of one verification (~150 ms).
		const started = performance.now();
		await failure(verifyCredentials({ context, email: uniqueEmail('late'), password: 'x', ip }));
		expect(performance.now() - started).toBeLessThan(40);
	});

	it('locks an account after repeated failures from many addresses, until a sign-in succeeds', async () => {
		const email = uniqueEmail('sprayed');
		await signUp({ context, input: { name: 'Sprayed', email, password: 'right-password' } });
		const guess = () =>
			failure(verifyCredentials({ context, email, password: 'wrong', ip: uniqueIp() }));
		// A successful sign-in clears the count: nine failures, success, nine more are all judged.
		for (let attempt = 0; attempt < 9; attempt++)
			expect((await guess()).code).toBe(AppErrorCode.Unauthorized);
		await verifyCredentials({ context, email, password: 'right-password', ip: uniqueIp() });
		for (let attempt = 0; attempt < 10; attempt++)
			expect((await guess()).code).toBe(AppErrorCode.Unauthorized);
		// Ten failures in a row from ten addresses: the account waits out its window.
		const locked = await failure(
			verifyCredentials({ context, email, password: 'right-password', ip: uniqueIp() })
		);
		expect(locked.code).toBe(AppErrorCode.RateLimited);
		expect(locked.message).toMatch(/try again in \d+ seconds/);
	});

	it('answers a second sign-up for a taken email without an error, and changes nothing', async () => {
		const email = uniqueEmail('twin');
		await signUp({ context, input: { name: 'First', email, password: 'password-one' } });
		// No "already exists": that would tell anyone who has an account (issue 12, fault 3).
		const second = await signUp({
			context,
			input: { name: 'Second', email: ` ${email.toUpperCase()} `, password: 'password-two' }
		});
		expect(second).toBeNull();
		const signedIn = await verifyCredentials({
			context,
			email,
			password: 'password-one',
			ip: uniqueIp()
		});
		expect(signedIn.name).toBe('First');
		const refused = await failure(
			verifyCredentials({ context, email, password: 'password-two', ip: uniqueIp() })
		);
		expect(refused.code).toBe(AppErrorCode.Unauthorized);
	});

	it('applies the password policy and names the field', async () => {
		const short = await failure(
			signUp({ context, input: { name: 'Shorty', email: uniqueEmail('s'), password: 'seven77' } })
		);
		expect(short).toMatchObject({ code: AppErrorCode.InvalidInput, field: 'password' });
		const badEmail = await failure(
			signUp({ context, input: { name: 'Nomail', email: 'not-an-email', password: 'long-enough' } })
		);
		expect(badEmail).toMatchObject({ code: AppErrorCode.InvalidInput, field: 'email' });
	});
});

describe('spaces and members', () => {
	it('creates a space with the creator as owner and a slug from its name', async () => {
		const owner = await createUser(context, 'Space Maker');
		const name = `Summer Fest ${randomUUID().slice(0, 6)}`;
		const space = await createSpaceService({ context, actor: owner.actor, input: { name } });
		expect(space.slug).toBe(name.toLowerCase().replace(/ /g, '-'));
		expect(await listSpaces({ context, actor: owner.actor })).toEqual([
			{ id: space.id, slug: space.slug, name, role: 'owner' }
		]);
		const taken = await failure(
			createSpaceService({ context, actor: owner.actor, input: { name, slug: space.slug } })
		);
		expect(taken).toMatchObject({ code: AppErrorCode.Conflict, field: 'slug' });
	});

	it('turns an invitation into a membership only for whoever opens its link', async () => {
		const owner = await createUser(context, 'Owner');
		const guest = await createUser(context, 'Guest');
		const space = await createSpace(context, owner);
		const result = await inviteMember({
			context,
			actor: owner.actor,
			space: space.slug,
			input: { email: guest.email.toUpperCase(), role: 'editor' }
		});
		expect(result).toMatchObject({
			status: 'invited',
			role: 'editor',
			invitePath: expect.stringMatching(/^\/invite\/[\w-]{20,}$/)
		});
		// Being invited grants nothing until the link is used.
		expect(await listSpaces({ context, actor: guest.actor })).toEqual([]);
		const before = await listMembers({ context, actor: owner.actor, space: space.slug });
		expect(before.invitations.map((invitation) => [invitation.email, invitation.role])).toEqual([
			[guest.email, 'editor']
		]);

		const secret = result.invitePath.split('/').pop()!;
		const joined = await acceptInvitation({ context, actor: guest.actor, secret });
		expect(joined).toEqual({ spaceId: space.id, slug: space.slug, role: 'editor' });
		const { members, invitations } = await listMembers({
			context,
			actor: owner.actor,
			space: space.slug
		});
		expect(members.map((member) => [member.userId, member.role]).sort()).toEqual(
			[
				[owner.id, 'owner'],
				[guest.id, 'editor']
			].sort()
		);
		expect(invitations).toEqual([]);

		const reused = await failure(
			acceptInvitation({ context, actor: (await createUser(context, 'Latecomer')).actor, secret })
		);
		expect(reused).toMatchObject({ code: AppErrorCode.NotFound, field: 'invitation' });
		expect(
			(await failure(acceptInvitation({ context, actor: guest.actor, secret: 'forged-secret' })))
				.code
		).toBe(AppErrorCode.NotFound);
	});

	it('withdraws an open invitation, whose link then stops working; owners only', async () => {
		const owner = await createUser(context, 'Withdrawer');
		const editor = await createUser(context, 'Bystander');
		const guest = await createUser(context, 'Uninvited');
		const space = await createSpace(context, owner);
		await addMember(context, owner, space.id, editor, 'editor');
		const { invitePath } = await inviteMember({
			context,
			actor: owner.actor,
			space: space.slug,
			input: { email: guest.email, role: 'viewer' }
		});
		const [open] = (await listMembers({ context, actor: owner.actor, space: space.slug }))
			.invitations;
		const revoke = (actor: typeof owner.actor, invitationId = open!.id) =>
			revokeInvitation({ context, actor, space: space.slug, invitationId });

		expect((await failure(revoke(editor.actor))).code).toBe(AppErrorCode.Forbidden);
		expect((await failure(revoke(owner.actor, 'not-an-id'))).field).toBe('invitationId');
		expect(await revoke(owner.actor)).toEqual({ email: guest.email });
		expect(
			(await listMembers({ context, actor: owner.actor, space: space.slug })).invitations
		).toEqual([]);
		expect(await failure(revoke(owner.actor))).toMatchObject({
			code: AppErrorCode.NotFound,
			field: 'invitationId'
		});
		const secret = invitePath.split('/').pop()!;
		expect((await failure(acceptInvitation({ context, actor: guest.actor, secret }))).code).toBe(
			AppErrorCode.NotFound
		);
		expect(await listSpaces({ context, actor: guest.actor })).toEqual([]);
	});

	it('does not hand an invitation to someone who signs up with the invited email', async () => {
		const owner = await createUser(context, 'Inviter');
		const space = await createSpace(context, owner);
		const email = uniqueEmail('newcomer');
		await inviteMember({
			context,
			actor: owner.actor,
			space: space.slug,
			input: { email, role: 'owner' }
		});
		// Sign-up does not verify the address, so the email alone must not make a member.
		const squatter = await signUp({
			context,
			input: { name: 'Squatter', email, password: 'not-the-invitee' }
		});
		expect(await listSpaces({ context, actor: { userId: squatter!.id, via: 'web' } })).toEqual([]);
		const { invitations } = await listMembers({ context, actor: owner.actor, space: space.slug });
		expect(invitations.map((invitation) => invitation.email)).toEqual([email]);
	});

	it('refuses an invitation accepted through an API token', async () => {
		const owner = await createUser(context, 'Token Owner');
		const space = await createSpace(context, owner);
		const other = await createUser(context, 'Other');
		const otherSpace = await createSpace(context, other);
		const { invitePath } = await inviteMember({
			context,
			actor: owner.actor,
			space: space.slug,
			input: { email: other.email, role: 'viewer' }
		});
		const tokenActor: Actor = {
			userId: other.id,
			via: 'api',
			token: {
				id: randomUUID(),
				spaceId: otherSpace.id,
				role: 'owner',
				scopes: ['read', 'members']
			}
		};
		const refused = await failure(
			acceptInvitation({ context, actor: tokenActor, secret: invitePath.split('/').pop()! })
		);
		expect(refused.code).toBe('42501');
	});

	it('lets only owners invite; the database refuses a non-owner too', async () => {
		const owner = await createUser(context, 'Boss');
		const editor = await createUser(context, 'Helper');
		const space = await createSpace(context, owner);
		await addMember(context, owner, space.id, editor, 'editor');

		const refused = await failure(
			inviteMember({
				context,
				actor: editor.actor,
				space: space.slug,
				input: { email: uniqueEmail('friend'), role: 'owner' }
			})
		);
		expect(refused.code).toBe(AppErrorCode.Forbidden);

		const direct = await failure(
			withActor(context.db.runtime, editor.actor, (tx) =>
				tx.query('select app_invite($1, $2, $3, $4)', [
					space.id,
					uniqueEmail('friend'),
					'owner',
					'x'.repeat(64)
				])
			)
		);
		expect(direct.code).toBe('42501');
		const { invitations } = await listMembers({ context, actor: owner.actor, space: space.slug });
		expect(invitations).toEqual([]);
	});

	it('never leaves a space without an owner', async () => {
		const owner = await createUser(context, 'Solo Owner');
		const other = await createUser(context, 'Second');
		const space = await createSpace(context, owner);
		await addMember(context, owner, space.id, other, 'editor');

		const removal = await failure(
			removeMember({ context, actor: owner.actor, space: space.slug, userId: owner.id })
		);
		expect(removal.code).toBe(AppErrorCode.Conflict);
		const demotion = await failure(
			changeMemberRole({
				context,
				actor: owner.actor,
				space: space.slug,
				userId: owner.id,
				input: { role: 'viewer' }
			})
		);
		expect(demotion).toMatchObject({ code: AppErrorCode.Conflict, field: 'role' });

		// With a second owner the first may step down and leave.
		await changeMemberRole({
			context,
			actor: owner.actor,
			space: space.slug,
			userId: other.id,
			input: { role: 'owner' }
		});
		await removeMember({ context, actor: owner.actor, space: space.slug, userId: owner.id });
		const { members } = await listMembers({ context, actor: other.actor, space: space.slug });
		expect(members.map((member) => [member.userId, member.role])).toEqual([[other.id, 'owner']]);
	});
});

describe('API tokens', () => {
	const bearer = (secret: string) => `Bearer ${secret}`;

	it('acts as its creator in its one space with its role, and stores only a hash', async () => {
		const owner = await createUser(context, 'Token Owner');
		const space = await createSpace(context, owner);
		const otherSpace = await createSpace(context, owner);
		const created = await createApiToken({
			context,
			actor: owner.actor,
			space: space.slug,
			input: { name: 'Import script', role: 'viewer', expiresInDays: 30 }
		});
		expect(created.secret).toMatch(/^rst_[A-Za-z0-9_-]{43}$/);

		const actor = await resolveBearer({ context, header: bearer(created.secret) });
		expect(actor).toEqual({
			userId: owner.id,
			via: 'api',
			token: { id: created.id, spaceId: space.id, role: 'viewer', scopes: ['read'] }
		});
		expect(await listSpaces({ context, actor })).toEqual([
			expect.objectContaining({ id: space.id, role: 'viewer' })
		]);
		const elsewhere = await failure(listMembers({ context, actor, space: otherSpace.slug }));
		expect(elsewhere.code).toBe(AppErrorCode.NotFound);

		const { rows } = await context.db.owner.query<{ token_hash: string; row: string }>(
			'select token_hash, row_to_json(t)::text as row from api_tokens t where id = $1',
			[created.id]
		);
		expect(rows[0]!.token_hash).toBe(createHash('sha256').update(created.secret).digest('hex'));
		expect(rows[0]!.row).not.toContain(created.secret);
		expect(rows[0]!.row).not.toContain(created.secret.slice(4));
		const listed = await listApiTokens({ context, actor: owner.actor, space: space.slug });
		expect(listed.map((token) => token.id)).toEqual([created.id]);
		expect(JSON.stringify(listed)).not.toContain(created.secret);
	});

	it('keeps a viewer token of an owner from writing, in the database itself', async () => {
		const owner = await createUser(context, 'Owner With Token');
		const space = await createSpace(context, owner);
		const { secret } = await createApiToken({
			context,
			actor: owner.actor,
			space: space.slug,
			input: { name: 'read only', role: 'viewer' }
		});
		const tokenActor = await resolveBearer({ context, header: bearer(secret) });
		const insert = (actor: Actor, key: string) =>
			withActor(context.db.runtime, actor, (tx) =>
				tx.query('insert into entity_types (space_id, key, name) values ($1, $2, $3)', [
					space.id,
					key,
					'Tickets'
				])
			);

		const refused = await failure(insert(tokenActor, 'tickets'));
		expect(refused.code).toBe('42501');
		// The same insert as the owner without the token goes through.
		await expect(insert(owner.actor, 'tickets')).resolves.toBeDefined();
	});

	it('may not carry more than its creator role', async () => {
		const owner = await createUser(context, 'Owner');
		const viewer = await createUser(context, 'Viewer');
		const space = await createSpace(context, owner);
		await addMember(context, owner, space.id, viewer, 'viewer');
		const refused = await failure(
			createApiToken({
				context,
				actor: viewer.actor,
				space: space.slug,
				input: { name: 'sneaky', role: 'editor' }
			})
		);
		expect(refused).toMatchObject({ code: AppErrorCode.Forbidden, field: 'role' });
	});

	it('stops working when revoked, expired, or its creator leaves the space', async () => {
		const owner = await createUser(context, 'Owner');
		const member = await createUser(context, 'Member');
		const space = await createSpace(context, owner);
		await addMember(context, owner, space.id, member, 'editor');
		const make = (actor: Actor, name: string) =>
			createApiToken({ context, actor, space: space.slug, input: { name, role: 'editor' } });

		const revoked = await make(owner.actor, 'revoked');
		await resolveBearer({ context, header: bearer(revoked.secret) });
		await revokeApiToken({ context, actor: owner.actor, space: space.slug, id: revoked.id });
		expect((await failure(resolveBearer({ context, header: bearer(revoked.secret) }))).code).toBe(
			AppErrorCode.Unauthorized
		);

		const expired = await make(owner.actor, 'expired');
		await context.db.owner.query(
			`update api_tokens set expires_at = now() - interval '1 minute' where id = $1`,
			[expired.id]
		);
		expect((await failure(resolveBearer({ context, header: bearer(expired.secret) }))).code).toBe(
			AppErrorCode.Unauthorized
		);

		const departed = await make(member.actor, 'departed');
		await resolveBearer({ context, header: bearer(departed.secret) });
		await removeMember({ context, actor: owner.actor, space: space.slug, userId: member.id });
		expect((await failure(resolveBearer({ context, header: bearer(departed.secret) }))).code).toBe(
			AppErrorCode.Unauthorized
		);
		// Coming back does not revive the old token: it left with the membership.
		await addMember(context, owner, space.id, member, 'editor');
		expect((await failure(resolveBearer({ context, header: bearer(departed.secret) }))).code).toBe(
			AppErrorCode.Unauthorized
		);

		for (const header of [null, 'Bearer', 'Basic abc', bearer('rst_not-a-real-token')]) {
			expect((await failure(resolveBearer({ context, header }))).code).toBe(
				AppErrorCode.Unauthorized
			);
		}
	});

	it('is narrowed when its creator is demoted', async () => {
		const owner = await createUser(context, 'Owner');
		const coOwner = await createUser(context, 'Co-owner');
		const space = await createSpace(context, owner);
		await addMember(context, owner, space.id, coOwner, 'owner');
		const { secret } = await createApiToken({
			context,
			actor: coOwner.actor,
			space: space.slug,
			input: { name: 'admin script', role: 'owner' }
		});
		await changeMemberRole({
			context,
			actor: owner.actor,
			space: space.slug,
			userId: coOwner.id,
			input: { role: 'viewer' }
		});
		const actor = await resolveBearer({ context, header: bearer(secret) });
		const invite = await failure(
			inviteMember({
				context,
				actor,
				space: space.slug,
				input: { email: uniqueEmail('x'), role: 'viewer' }
			})
		);
		expect(invite.code).toBe(AppErrorCode.Forbidden);
		expect(await listSpaces({ context, actor })).toEqual([
			expect.objectContaining({ id: space.id, role: 'viewer' })
		]);
	});
});
