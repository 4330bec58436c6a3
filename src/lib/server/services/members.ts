// Members of a space: list, invite, change role, remove. Owners manage members, and an API token
// only with the `members` scope; the check here gives a clear message first, and the policies
// and `app_invite` refuse anyone else anyway (0008_token_scopes).
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Invitation, Member, SpaceAccess } from '$lib/domain/schema';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import { canManageMembers, roles, type Role } from '$lib/domain/roles';
import type { Actor } from '../auth/actor';
import { emailSchema } from '../auth/users';
import type { AppContext } from '../context';
import { withActor, type Tx } from '../db';
import { hasScope, inSpace, requireScope } from './scope';
import { withPrismaActor } from '../prisma';
import { resolveSpace } from './schema';
import { parseInput } from './validate';
import { invitationMessage, sendMail } from './mail';

const roleSchema = z.enum(roles, { error: `must be one of ${roles.join(', ')}` });
const inviteInput = z.object({ email: emailSchema, role: roleSchema });
const roleInput = z.object({ role: roleSchema });
const userIdSchema = z.uuid('must be a user id');
const revokeInput = z.object({ invitationId: z.uuid('must be an invitation id') });

function requireOwner(actor: Actor, space: SpaceAccess): void {
	requireScope(actor, 'members');
	if (!canManageMembers(space.role)) {
		throw new AppError(
			AppErrorCode.Forbidden,
			`Only owners manage members; your role is ${space.role}`
		);
	}
}

/**
 * Locks the space's owners and the target membership, so two owners demoting or removing each
 * other at once cannot both succeed and leave the space without an owner.
 */
async function lockMemberships(tx: Tx, spaceId: string, userId: string) {
	const { rows } = await tx.query<{ user_id: string; role: Role }>(
		`select user_id, role from memberships
		  where space_id = $1 and (role = 'owner' or user_id = $2)
		  for update`,
		[spaceId, userId]
	);
	const target = rows.find((row) => row.user_id === userId);
	if (!target) {
		throw new AppError(AppErrorCode.NotFound, 'This user is not a member of the space', {
			field: 'userId'
		});
	}
	const isLastOwner =
		target.role === 'owner' && rows.filter((row) => row.role === 'owner').length === 1;
	return { target, isLastOwner };
}

/** Members and open invitations through the typed Prisma client, under the same policies. */
export function listMembers(options: {
	context: AppContext;
	actor: Actor;
	space: string;
}): Promise<{ members: Member[]; invitations: Invitation[] }> {
	return withPrismaActor(options.context.prisma, options.actor, async (tx) => {
		const space = await resolveSpace(tx, options.space);
		const memberships = await tx.membership.findMany({
			where: { spaceId: space.id },
			include: { user: { select: { id: true, name: true, email: true, image: true } } }
		});
		const members: Member[] = memberships
			.map(({ user, role, createdAt }) => ({
				userId: user.id,
				name: user.name,
				email: user.email,
				image: user.image,
				role: role as Role,
				joinedAt: createdAt
			}))
			.sort(
				(a, b) =>
					a.name.toLowerCase().localeCompare(b.name.toLowerCase()) || a.email.localeCompare(b.email)
			);
		if (!canManageMembers(space.role) || !hasScope(options.actor, 'members')) {
			return { members, invitations: [] };
		}
		const invitations = await tx.invitation.findMany({
			where: { spaceId: space.id, acceptedAt: null },
			select: { id: true, email: true, role: true, createdAt: true },
			orderBy: { createdAt: 'asc' }
		});
		return {
			members,
			invitations: invitations.map((invitation) => ({
				...invitation,
				role: invitation.role as Role
			}))
		};
	});
}

/** The secret of an invitation link and what is stored of it. */
function invitationSecret(): { secret: string; hash: string } {
	const secret = randomBytes(24).toString('base64url');
	return { secret, hash: hashInvitation(secret) };
}

const hashInvitation = (secret: string) => createHash('sha256').update(secret).digest('hex');

/**
 * Invites someone by email with a role, and mails them the link. The email alone grants
 * nothing: whoever signs in and opens the link joins with the role (see acceptInvitation), as
 * holding it proves the address. The result carries the link too, for the owner to pass on
 * another way. Inviting the same email again replaces the link.
 */
export async function inviteMember(options: {
	context: AppContext;
	actor: Actor;
	space: string;
	input: unknown;
}): Promise<{ status: 'invited'; email: string; role: Role; invitePath: string }> {
	const { context, actor } = options;
	const input = parseInput(inviteInput, options.input);
	await context.kv.writeLimiter.consume(actor.userId);
	// Each invitation mails the address: re-inviting must not flood someone's inbox.
	await context.kv.accountMailLimiter.perEmail.consume(input.email);
	return inSpace(context, actor, options.space, async ({ tx, space }) => {
		requireOwner(actor, space);
		const existing = await tx.query(
			`select 1 from memberships m join users u on u.id = m.user_id
			  where m.space_id = $1 and lower(u.email) = $2`,
			[space.id, input.email]
		);
		if (existing.rowCount) {
			throw new AppError(AppErrorCode.Conflict, `${input.email} is already a member`, {
				field: 'email'
			});
		}
		const { secret, hash } = invitationSecret();
		const invited = await tx.query<{ id: string }>('select app_invite($1, $2, $3, $4) as id', [
			space.id,
			input.email,
			input.role,
			hash
		]);
		const invitePath = `/invite/${secret}`;
		const message = await invitationMessage(context, tx, {
			invitationId: invited.rows[0]!.id,
			spaceName: space.name,
			invitePath
		});
		return {
			status: 'invited' as const,
			email: input.email,
			role: input.role,
			invitePath,
			message
		};
	}).then(async ({ message, ...invitation }) => {
		// After commit: the mail must not carry a link that a rolled-back invite never made.
		await sendMail({ context, message });
		return invitation;
	});
}

/** Withdraws an open invitation: its link stops working at once. Owners only. */
export async function revokeInvitation(options: {
	context: AppContext;
	actor: Actor;
	space: string;
	invitationId: string;
}): Promise<{ email: string }> {
	const { context, actor } = options;
	const { invitationId } = parseInput(revokeInput, { invitationId: options.invitationId });
	await context.kv.writeLimiter.consume(actor.userId);
	return inSpace(context, actor, options.space, async ({ tx, space }) => {
		requireOwner(actor, space);
		const { rows } = await tx.query<{ email: string }>(
			`delete from invitations where id = $1 and space_id = $2 and accepted_at is null
			 returning email`,
			[invitationId, space.id]
		);
		if (!rows[0]) {
			throw new AppError(AppErrorCode.NotFound, 'This invitation was already used or withdrawn', {
				field: 'invitationId'
			});
		}
		return { email: rows[0].email };
	});
}

/** The signed-in caller joins the space of the invitation link they hold. */
export async function acceptInvitation(options: {
	context: AppContext;
	actor: Actor;
	secret: string;
}): Promise<{ spaceId: string; slug: string; role: Role }> {
	const { context, actor } = options;
	await context.kv.writeLimiter.consume(actor.userId);
	return withActor(context.db.runtime, actor, async (tx) => {
		const { rows } = await tx.query<{ space_id: string; role: Role }>(
			'select space_id, role from app_accept_invitation($1)',
			[hashInvitation(options.secret)]
		);
		if (!rows[0]) {
			throw new AppError(
				AppErrorCode.NotFound,
				'This invitation link is invalid, used or expired',
				{
					field: 'invitation'
				}
			);
		}
		const space = await tx.query<{ slug: string }>('select slug from spaces where id = $1', [
			rows[0].space_id
		]);
		return { spaceId: rows[0].space_id, slug: space.rows[0]!.slug, role: rows[0].role };
	});
}

export async function changeMemberRole(options: {
	context: AppContext;
	actor: Actor;
	space: string;
	userId: string;
	input: unknown;
}): Promise<{ userId: string; role: Role }> {
	const { context, actor } = options;
	const userId = parseInput(userIdSchema, options.userId);
	const { role } = parseInput(roleInput, options.input);
	await context.kv.writeLimiter.consume(actor.userId);
	return inSpace(context, actor, options.space, async ({ tx, space }) => {
		requireOwner(actor, space);
		const { isLastOwner } = await lockMemberships(tx, space.id, userId);
		if (isLastOwner && role !== 'owner') {
			throw new AppError(
				AppErrorCode.Conflict,
				'A space needs an owner: make someone else owner first',
				{ field: 'role' }
			);
		}
		await tx.query('update memberships set role = $3 where space_id = $1 and user_id = $2', [
			space.id,
			userId,
			role
		]);
		return { userId, role, spaceId: space.id };
	}).then(({ spaceId, ...changed }) => {
		context.access.publish({ spaceId, userId });
		return changed;
	});
}

export async function removeMember(options: {
	context: AppContext;
	actor: Actor;
	space: string;
	userId: string;
}): Promise<void> {
	const { context, actor } = options;
	const userId = parseInput(userIdSchema, options.userId);
	await context.kv.writeLimiter.consume(actor.userId);
	return inSpace(context, actor, options.space, async ({ tx, space }) => {
		requireOwner(actor, space);
		const { isLastOwner } = await lockMemberships(tx, space.id, userId);
		if (isLastOwner) {
			throw new AppError(
				AppErrorCode.Conflict,
				'The last owner cannot be removed: make someone else owner first',
				{ field: 'userId' }
			);
		}
		await tx.query('delete from memberships where space_id = $1 and user_id = $2', [
			space.id,
			userId
		]);
		return space.id;
	}).then((spaceId) => context.access.publish({ spaceId, userId }));
}
