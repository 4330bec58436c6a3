// Accounts: sign-up with a password, password checks for sign-in, and the users row behind an
// OAuth identity. Before a user id exists there is no identity to set for the policies, so each
// step goes through one narrow SECURITY DEFINER function as the runtime role.
import { z } from 'zod';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import type { AppContext } from '../context';
import { withAnonymous, type Tx } from '../db';
import { accountExistsMail, appLink, sendMail } from '../services/mail';
import { parseInput } from '../services/validate';
import { limitAccountMail, verificationMail } from './account-mail';
import { emailSchema } from './email';
import { hashPassword, passwordSchema, verifyAgainstDecoy, verifyPassword } from './passwords';

// Other modules (members) have always taken it from here.
export { emailSchema };

export interface AccountUser {
	id: string;
	name: string;
	email: string;
}

const nameSchema = z
	.string({ error: 'is required' })
	.trim()
	.min(1, 'is required')
	.max(200, 'must be at most 200 characters');

const signUpInput = z.object({ name: nameSchema, email: emailSchema, password: passwordSchema });
const credentialsInput = z.object({
	email: emailSchema,
	// Only presence here: the length policy applies when a password is chosen, not when checked.
	password: z.string({ error: 'is required' }).min(1, 'is required').max(1000)
});

const isUniqueViolation = (error: unknown) =>
	typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';

async function register(
	tx: Tx,
	user: { email: string; name: string; passwordHash: string | null; image?: string | null }
): Promise<string> {
	const { rows } = await tx.query<{ id: string }>(
		'select app_register_user($1, $2, $3, $4) as id',
		[user.email, user.name, user.passwordHash, user.image ?? null]
	);
	return rows[0]!.id;
}

/**
 * The account of an email, with its password hash, through the credentials pool: the only role
 * that may call app_credentials, so the hash never passes through the runtime role.
 */
async function findByEmail(context: AppContext, email: string) {
	const { rows } = await context.db.credentials.query<
		AccountUser & { password_hash: string | null }
	>('select id, name, email, password_hash from app_credentials($1)', [email]);
	return rows[0];
}

/**
 * Creates a password account and mails a link to confirm its address. Answers the same whether
 * or not the email already has an account, so sign-up cannot be used to find out who has one:
 * for a taken email nothing is created and its owner gets a mail saying someone tried (sign in
 * or reset the password) instead. Both paths hash the password and queue one mail, so they take
 * about the same time. Resolves to the new account, or null when the email was taken; a route
 * must not let the difference show. `ip`, when given, limits how fast one address can try.
 */
export async function signUp(options: {
	context: AppContext;
	input: unknown;
	ip?: string;
}): Promise<AccountUser | null> {
	const { context } = options;
	const input = parseInput(signUpInput, options.input);
	if (options.ip) await context.kv.signInLimiter.consume(`sign-up|${options.ip}`);
	await limitAccountMail(context, input.email, options.ip);
	const passwordHash = await hashPassword(input.password);
	try {
		const { id, message } = await withAnonymous(context.db.runtime, async (tx) => {
			const id = await register(tx, { email: input.email, name: input.name, passwordHash });
			return { id, message: await verificationMail(context, tx, input.email) };
		});
		if (message) await sendMail({ context, message });
		return { id, name: input.name, email: input.email };
	} catch (error) {
		if (!isUniqueViolation(error)) throw error;
	}
	await sendMail({
		context,
		message: accountExistsMail({
			to: input.email,
			signInUrl: appLink(context, '/signin'),
			resetUrl: appLink(context, '/forgot-password')
		})
	});
	return null;
}

/**
 * Checks an email and password. Before the hash is looked at (scrypt costs ~150 ms of CPU),
 * attempts are limited per email and address and per address alone, and refused outright once
 * the address or the account has failed too often in the failure window, so neither guessing one
 * password nor spraying one guess across many accounts gets far. Unknown emails and wrong
 * passwords fail alike, in the same time, and count alike. A success clears the account's
 * failures (not the address's: a sprayer who knows one password must not reset its budget).
 */
export async function verifyCredentials(options: {
	context: AppContext;
	email: unknown;
	password: unknown;
	ip: string;
}): Promise<AccountUser> {
	const { context, ip } = options;
	const { email, password } = parseInput(credentialsInput, {
		email: options.email,
		password: options.password
	});
	const { signInLimiter, signInAddressLimiter, signInFailures } = context.kv;
	await signInLimiter.consume(`${email}|${ip}`);
	await signInAddressLimiter.consume(ip);
	await signInFailures.byAddress.check(ip);
	await signInFailures.byAccount.check(email);
	const user = await checkPassword(context, email, password);
	if (!user) {
		await Promise.all([signInFailures.byAddress.fail(ip), signInFailures.byAccount.fail(email)]);
		throw new AppError(AppErrorCode.Unauthorized, 'Wrong email or password');
	}
	await signInFailures.byAccount.clear(email);
	return user;
}

/** The account when the password is its own, else null, in the time of one verification. */
export async function checkPassword(
	context: AppContext,
	email: string,
	password: string
): Promise<AccountUser | null> {
	const user = await findByEmail(context, email);
	const isValid = user?.password_hash
		? await verifyPassword(password, user.password_hash)
		: await verifyAgainstDecoy(password);
	return user && isValid ? { id: user.id, name: user.name, email: user.email } : null;
}

/**
 * The users row for an identity the OAuth provider has vouched for: found by email, or created
 * (accepting open invitations) on the first sign-in. The caller must have checked that the
 * provider verified the email, since this links to an existing account of the same email.
 */
export async function findOrRegisterOAuthUser(options: {
	context: AppContext;
	email: string;
	name?: string | null;
	image?: string | null;
}): Promise<AccountUser> {
	const { context } = options;
	const email = parseInput(emailSchema, options.email);
	const name = options.name?.trim().slice(0, 200) || email.split('@')[0]!;
	// Only link to images by URL: a data: URL (Entra's photo) would bloat every session cookie.
	const image = options.image && /^https:\/\//.test(options.image) ? options.image : null;
	const attempt = async () => {
		const existing = await findByEmail(context, email);
		return withAnonymous(context.db.runtime, async (tx) => {
			const id = existing?.id ?? (await register(tx, { email, name, passwordHash: null, image }));
			// The provider vouched for the address (see isEmailVerified in auth.ts).
			await tx.query('select app_confirm_provider_email($1)', [id]);
			return existing ? { id, name: existing.name, email: existing.email } : { id, name, email };
		});
	};
	try {
		return await attempt();
	} catch (error) {
		// Two first sign-ins racing: the loser finds the row the winner created.
		if (isUniqueViolation(error)) return attempt();
		throw error;
	}
}
