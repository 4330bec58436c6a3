// The mailed proofs of an account: confirming its email address, and choosing a new password
// by a link sent to it. Links carry a random secret; the database keeps only its SHA-256 and
// reaches the tokens through definer functions (0010_account_mail), since most of these steps
// happen before anyone is signed in.
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import type { MailMessage } from '../adapters/mail';
import type { AppContext } from '../context';
import { withActor, withAnonymous, type Tx } from '../db';
import { appLink, resetPasswordMail, sendMail, verifyEmailMail } from '../services/mail';
import { parseInput } from '../services/validate';
import type { Actor } from './actor';
import { hashPassword, passwordSchema } from './passwords';
import { endUserSessions } from './sessions';
import { emailSchema } from './email';

export const VERIFY_TTL_SECONDS = 48 * 3600;
/** Short: a reset link in an inbox someone else reads later is a way into the account. */
export const RESET_TTL_SECONDS = 3600;

type Purpose = 'verify' | 'reset';

const tokenSchema = z
	.string({ error: 'is required' })
	.min(1, 'is required')
	.max(200, 'is not valid');

const hashToken = (secret: string) => createHash('sha256').update(secret).digest('hex');

/**
 * Counts one account mail against the address it goes to and the client asking for it, before
 * anything is looked up: the limit then says nothing about whether an account exists.
 */
export async function limitAccountMail(
	context: AppContext,
	email: string,
	ip: string | undefined
): Promise<void> {
	if (ip) await context.kv.accountMailLimiter.perAddress.consume(ip);
	await context.kv.accountMailLimiter.perEmail.consume(email);
}

/** A new link for the account of `email`, or null when there is no such account. */
async function issueToken(
	tx: Tx,
	options: { email: string; purpose: Purpose; ttlSeconds: number }
): Promise<{ secret: string; name: string; email: string } | null> {
	const secret = randomBytes(32).toString('base64url');
	const { rows } = await tx.query<{ name: string; email: string }>(
		`select name, email from app_issue_account_token($1, $2, $3, make_interval(secs => $4))`,
		[options.email, options.purpose, hashToken(secret), options.ttlSeconds]
	);
	return rows[0] ? { secret, ...rows[0] } : null;
}

/**
 * Issues a verification link for `email` in the caller's transaction; the mail to queue once it
 * commits, or null when no account has the email.
 */
export async function verificationMail(
	context: AppContext,
	tx: Tx,
	email: string
): Promise<MailMessage | null> {
	const token = await issueToken(tx, {
		email,
		purpose: 'verify',
		ttlSeconds: VERIFY_TTL_SECONDS
	});
	if (!token) return null;
	return verifyEmailMail({
		to: token.email,
		name: token.name,
		url: appLink(context, `/verify-email?token=${encodeURIComponent(token.secret)}`),
		ttlSeconds: VERIFY_TTL_SECONDS
	});
}

/** The signed-in user's address and whether it is verified (the banner asks when it is not). */
export function emailVerification(options: {
	context: AppContext;
	actor: Actor;
}): Promise<{ email: string; isVerified: boolean }> {
	return withActor(options.context.db.runtime, options.actor, async (tx) => {
		const { rows } = await tx.query<{ email: string; email_verified_at: Date | null }>(
			'select email, email_verified_at from users where id = app_user_id()'
		);
		const user = rows[0];
		if (!user) throw new AppError(AppErrorCode.Unauthorized, 'Sign in again');
		return { email: user.email, isVerified: user.email_verified_at !== null };
	});
}

/** Mails the signed-in user a new verification link. */
export async function resendVerification(options: {
	context: AppContext;
	actor: Actor;
	ip?: string;
}): Promise<{ sentTo: string }> {
	const { context, actor } = options;
	const { email, isVerified } = await emailVerification({ context, actor });
	if (isVerified) {
		throw new AppError(AppErrorCode.Conflict, 'email: is already confirmed', { field: 'email' });
	}
	await limitAccountMail(context, email, options.ip);
	const message = await withAnonymous(context.db.runtime, (tx) =>
		verificationMail(context, tx, email)
	);
	if (message) await sendMail({ context, message });
	return { sentTo: email };
}

function refuseLink(outcome: string | undefined): never {
	const message =
		outcome === 'expired'
			? 'token: has expired; ask for a new link'
			: outcome === 'used'
				? 'token: was already used; each link works once'
				: 'token: is not valid';
	throw new AppError(AppErrorCode.InvalidInput, message, {
		field: 'token',
		details: { reason: outcome ?? 'unknown' }
	});
}

/** Opens a verification link: the address it was sent to is confirmed. Single use. */
export async function verifyEmail(options: {
	context: AppContext;
	token: unknown;
}): Promise<{ userId: string }> {
	const token = parseInput(z.object({ token: tokenSchema }), { token: options.token }).token;
	const result = await withAnonymous(options.context.db.runtime, async (tx) => {
		const { rows } = await tx.query<{ user_id: string; outcome: string }>(
			'select user_id, outcome from app_verify_email($1)',
			[hashToken(token)]
		);
		return rows[0];
	});
	if (result?.outcome !== 'verified') refuseLink(result?.outcome);
	return { userId: result.user_id };
}

/**
 * Mails a password reset link to the account of an email. The answer is the same whether or
 * not an account has that email; only the mail differs (none is sent for an unknown email).
 */
export async function requestPasswordReset(options: {
	context: AppContext;
	input: unknown;
	ip?: string;
}): Promise<{ sentTo: string }> {
	const { context } = options;
	const { email } = parseInput(z.object({ email: emailSchema }), options.input);
	await limitAccountMail(context, email, options.ip);
	const token = await withAnonymous(context.db.runtime, (tx) =>
		issueToken(tx, { email, purpose: 'reset', ttlSeconds: RESET_TTL_SECONDS })
	);
	if (token) {
		const url = appLink(context, `/reset-password?token=${encodeURIComponent(token.secret)}`);
		await sendMail({
			context,
			message: resetPasswordMail({
				to: token.email,
				name: token.name,
				url,
				ttlSeconds: RESET_TTL_SECONDS
			})
		});
	}
	return { sentTo: email };
}

/** Whether a reset link can still be used, so its page can say so before a password is typed. */
export async function resetLinkState(options: {
	context: AppContext;
	token: string;
}): Promise<'valid' | 'used' | 'expired' | 'unknown'> {
	if (!tokenSchema.safeParse(options.token).success) return 'unknown';
	const state = await withAnonymous(options.context.db.runtime, async (tx) => {
		const { rows } = await tx.query<{ state: 'valid' | 'used' | 'expired' | null }>(
			'select app_account_token_state($1, $2) as state',
			[hashToken(options.token), 'reset']
		);
		return rows[0]?.state;
	});
	return state ?? 'unknown';
}

/**
 * Sets a new password with a reset link. The link is the only proof: it ends every open reset
 * link of the account and confirms its address (the mail arrived there).
 */
export async function resetPassword(options: {
	context: AppContext;
	input: unknown;
}): Promise<{ userId: string }> {
	const { context } = options;
	const input = parseInput(
		z.object({ token: tokenSchema, password: passwordSchema }),
		options.input
	);
	const passwordHash = await hashPassword(input.password);
	const result = await withAnonymous(context.db.runtime, async (tx) => {
		const { rows } = await tx.query<{ user_id: string; outcome: string }>(
			'select user_id, outcome from app_reset_password($1, $2)',
			[hashToken(input.token), passwordHash]
		);
		return rows[0];
	});
	if (result?.outcome !== 'reset') refuseLink(result?.outcome);
	const userId = result.user_id;
	// Whoever knew the old password must not stay signed in with it.
	await endUserSessions({ context, userId });
	return { userId };
}
