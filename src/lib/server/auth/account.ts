// The signed-in person's own account: who they are, and changing their password. A new password
// ends every other session, in the same transaction that stores it.
import { z } from 'zod';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import type { AppContext } from '../context';
import { withActor } from '../db';
import { parseInput } from '../services/validate';
import type { Actor } from './actor';
import { hashPassword, passwordSchema } from './passwords';
import { publishEndedSessions, revokeUserSessions } from './sessions';
import { checkPassword } from './users';

export interface Account {
	id: string;
	name: string;
	email: string;
	/** False for accounts that only sign in through Google or Microsoft. */
	hasPassword: boolean;
}

const changePasswordInput = z.object({
	currentPassword: z.string({ error: 'is required' }).min(1, 'is required').max(1000),
	newPassword: passwordSchema
});

function refuseTokenActor(actor: Actor): void {
	// A token scoped to one space must not take over the account it belongs to.
	if (actor.token) {
		throw new AppError(AppErrorCode.Forbidden, 'API tokens cannot manage the account; sign in');
	}
}

async function ownRow(context: AppContext, actor: Actor) {
	const row = await withActor(context.db.runtime, actor, async (tx) => {
		const { rows } = await tx.query<{ id: string; name: string; email: string }>(
			'select id, name, email from users where id = $1',
			[actor.userId]
		);
		return rows[0];
	});
	if (!row) throw new AppError(AppErrorCode.Unauthorized, 'Sign in again');
	return row;
}

export async function getAccount(options: { context: AppContext; actor: Actor }): Promise<Account> {
	const { context, actor } = options;
	refuseTokenActor(actor);
	const row = await ownRow(context, actor);
	// Whether a hash exists is asked of the credentials role; the runtime role cannot see it.
	const { rows } = await context.db.credentials.query<{ has_password: boolean }>(
		'select password_hash is not null as has_password from app_credentials($1)',
		[row.email]
	);
	return { ...row, hasPassword: rows[0]?.has_password === true };
}

/**
 * Sets a new password after checking the current one (through the sign-in path: the hash never
 * reaches the runtime role, and wrong guesses count against the account like failed sign-ins).
 * Every other session of the account ends; the one the change was made in stays.
 */
export async function changePassword(options: {
	context: AppContext;
	actor: Actor;
	input: unknown;
}): Promise<void> {
	const { context, actor } = options;
	refuseTokenActor(actor);
	const input = parseInput(changePasswordInput, options.input);
	const { email } = await ownRow(context, actor);
	const failures = context.kv.signInFailures.byAccount;
	await failures.check(email);
	if (!(await checkPassword(context, email, input.currentPassword))) {
		await failures.fail(email);
		throw new AppError(AppErrorCode.InvalidInput, 'currentPassword: is not your current password', {
			field: 'currentPassword'
		});
	}
	const passwordHash = await hashPassword(input.newPassword);
	const ended = await withActor(context.db.runtime, actor, async (tx) => {
		await tx.query('update users set password_hash = $1 where id = $2', [
			passwordHash,
			actor.userId
		]);
		return revokeUserSessions(tx, { userId: actor.userId, exceptSessionId: actor.sessionId });
	});
	publishEndedSessions(context, actor.userId, ended);
}
