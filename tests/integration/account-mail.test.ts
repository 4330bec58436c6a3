// Account mail against a real SMTP server this file starts: sign-up's verification mail and
// its link, sign-up with a taken email (same answer, a different mail), password reset end to
// end, invitations by mail, and the console mailer of the embedded default. Mail leaves through
// the job queue, worked here as in the app.
import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppErrorCode } from '$lib/domain/errors';
import { createMailer } from '$lib/server/adapters/mail';
import {
	emailVerification,
	requestPasswordReset,
	resendVerification,
	resetPassword,
	verifyEmail
} from '$lib/server/auth/account-mail';
import { isSessionLive, startSession } from '$lib/server/auth/sessions';
import { findOrRegisterOAuthUser, signUp, verifyCredentials } from '$lib/server/auth/users';
import { loadConfig } from '$lib/server/config';
import type { AppContext } from '$lib/server/context';
import { deliverMail, type MailJob } from '$lib/server/services/mail';
import { acceptInvitation, inviteMember } from '$lib/server/services/members';
import { listSpaces } from '$lib/server/services/spaces';
import { bootTestApp, createSpace, createUser, stopTestApp } from '../support/app';
import { startAppServer, type AppServer } from '../support/server';
import { startSmtpServer, type SmtpTestServer } from '../support/smtp-server';
import { freePort } from '$lib/server/adapters/postgres/embedded';

const MAILS_PER_HOUR = 3;
const ORIGIN = 'https://roster.example.test';

let context: AppContext;
let smtp: SmtpTestServer;
// A queue of this file's own: processes of other suites on the same database send with other
// mail settings and must not take these mails.
const mailQueue = `mail-test-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
	smtp = await startSmtpServer();
	context = await bootTestApp({
		SMTP_URL: smtp.url,
		MAIL_FROM: 'Roster Test <roster@example.test>',
		MAIL_QUEUE: mailQueue,
		ORIGIN,
		RATE_LIMIT_ACCOUNT_MAIL_PER_HOUR: String(MAILS_PER_HOUR)
	});
	await context.jobs.work<MailJob>('mail', (job) => deliverMail(context, job));
});

afterAll(async () => {
	await stopTestApp();
	await smtp.stop();
});

const uniqueEmail = (name: string) => `${name}.${randomUUID().slice(0, 8)}@example.test`;
const uniqueIp = () => `10.1.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

/** The one link of a mail that leads to `path`, and its token. */
function linkTo(mail: { links: string[] }, path: string) {
	const link = mail.links.find((each) => new URL(each).pathname === path);
	expect(link, `a link to ${path} in the mail`).toBeDefined();
	return { link: link!, token: new URL(link!).searchParams.get('token')! };
}

async function failure(promise: Promise<unknown>) {
	const error = await promise.then(
		() => undefined,
		(reason: unknown) => reason
	);
	expect(error, 'expected the call to fail').toBeDefined();
	const { code, field, message, status } = error as {
		code?: string;
		field?: string;
		message: string;
		status?: number;
	};
	return { code, field, message, status };
}

describe('email verification', () => {
	it('mails a new account a link that confirms its address once', async () => {
		const email = uniqueEmail('vera');
		const user = await signUp({
			context,
			input: { name: 'Vera <Verify>', email, password: 'verify-me-please' }
		});
		expect(user).not.toBeNull();
		const actor = { userId: user!.id, via: 'web' as const };
		expect(await emailVerification({ context, actor })).toEqual({ email, isVerified: false });

		const mail = await smtp.nextMail(email);
		expect(mail.from).toContain('roster@example.test');
		expect(mail.subject).toBe('Confirm your email address for Roster');
		expect(mail.text).toContain('Hello Vera <Verify>,');
		// Names are escaped in the HTML body.
		expect(mail.html).toContain('Vera &lt;Verify&gt;');
		expect(mail.html).not.toContain('<Verify>');
		const { link, token } = linkTo(mail, '/verify-email');
		expect(link.startsWith(`${ORIGIN}/verify-email?token=`)).toBe(true);
		// Only the SHA-256 of the link's secret is stored.
		const { rows } = await context.db.owner.query(
			'select token_hash from account_tokens where user_id = $1',
			[user!.id]
		);
		expect(rows).toEqual([{ token_hash: createHash('sha256').update(token).digest('hex') }]);

		await verifyEmail({ context, token });
		expect(await emailVerification({ context, actor })).toEqual({ email, isVerified: true });

		const again = await failure(verifyEmail({ context, token }));
		expect(again).toMatchObject({ code: AppErrorCode.InvalidInput, field: 'token', status: 400 });
		expect(again.message).toMatch(/already used/);
		// A verified address gets no new link.
		const resend = await failure(resendVerification({ context, actor }));
		expect(resend).toMatchObject({ code: AppErrorCode.Conflict, field: 'email' });
	});

	it('sends a new link on request, rate limited per address', async () => {
		const email = uniqueEmail('rita');
		const user = (await signUp({
			context,
			input: { name: 'Rita', email, password: 'resend-it-1' }
		}))!;
		const first = linkTo(await smtp.nextMail(email), '/verify-email');
		const actor = { userId: user.id, via: 'web' as const };
		expect(await resendVerification({ context, actor })).toEqual({ sentTo: email });
		const second = linkTo(await smtp.nextMail(email), '/verify-email');
		expect(second.token).not.toBe(first.token);
		// Sign-up and the resend used two of the hour's mails; the third is the last one.
		await resendVerification({ context, actor });
		const limited = await failure(resendVerification({ context, actor }));
		expect(limited).toMatchObject({ code: AppErrorCode.RateLimited, status: 429 });
		await verifyEmail({ context, token: first.token });
		expect((await emailVerification({ context, actor })).isVerified).toBe(true);
	});

	it('refuses an expired or unknown link, naming the field', async () => {
		const email = uniqueEmail('olga');
		await signUp({ context, input: { name: 'Olga', email, password: 'too-late-now' } });
		const { token } = linkTo(await smtp.nextMail(email), '/verify-email');
		await context.db.owner.query(
			`update account_tokens set expires_at = now() - interval '1 second' where token_hash = $1`,
			[createHash('sha256').update(token).digest('hex')]
		);
		const expired = await failure(verifyEmail({ context, token }));
		expect(expired).toMatchObject({ code: AppErrorCode.InvalidInput, field: 'token' });
		expect(expired.message).toMatch(/expired/);
		const unknown = await failure(verifyEmail({ context, token: 'not-a-real-link' }));
		expect(unknown).toMatchObject({ code: AppErrorCode.InvalidInput, field: 'token' });
		const missing = await failure(verifyEmail({ context, token: '' }));
		expect(missing).toMatchObject({ code: AppErrorCode.InvalidInput, field: 'token' });
	});

	it('counts an address an OAuth provider vouched for as verified, dropping a squatter’s password', async () => {
		const email = uniqueEmail('owner.of.address');
		// Someone registers the address first, with a password of their choosing.
		await signUp({ context, input: { name: 'Squatter', email, password: 'squatter-pass' } });
		const user = await findOrRegisterOAuthUser({ context, email, name: 'Real Owner' });
		const actor = { userId: user.id, via: 'web' as const };
		expect((await emailVerification({ context, actor })).isVerified).toBe(true);
		const refused = await failure(
			verifyCredentials({ context, email, password: 'squatter-pass', ip: uniqueIp() })
		);
		expect(refused.code).toBe(AppErrorCode.Unauthorized);
	});
});

describe('sign-up with a taken email', () => {
	it('creates nothing and mails the owner of the address instead', async () => {
		const email = uniqueEmail('taken');
		await signUp({ context, input: { name: 'Owner', email, password: 'the-real-one' } });
		await smtp.nextMail(email);
		const second = await signUp({
			context,
			input: { name: 'Someone Else', email, password: 'another-one' }
		});
		expect(second).toBeNull();
		const mail = await smtp.nextMail(email);
		expect(mail.subject).toBe('You already have a Roster account');
		expect(mail.links).toContain(`${ORIGIN}/signin`);
		expect(mail.links).toContain(`${ORIGIN}/forgot-password`);
		const { rows } = await context.db.owner.query(
			'select name from users where lower(email) = $1',
			[email]
		);
		expect(rows).toEqual([{ name: 'Owner' }]);
	});
});

describe('password reset', () => {
	it('mails a single-use link; the old password stops working and the new one works', async () => {
		const email = uniqueEmail('pat');
		const user = (await signUp({
			context,
			input: { name: 'Pat', email, password: 'old-password' }
		}))!;
		await smtp.nextMail(email);

		expect(
			await requestPasswordReset({ context, input: { email: email.toUpperCase() }, ip: uniqueIp() })
		).toEqual({
			sentTo: email
		});
		const mail = await smtp.nextMail(email);
		expect(mail.subject).toBe('Choose a new password for Roster');
		const { link, token } = linkTo(mail, '/reset-password');
		expect(link.startsWith(`${ORIGIN}/reset-password?token=`)).toBe(true);

		// Whoever was signed in with the old password (a stolen cookie, say) is signed out.
		const openSession = await startSession({ context, userId: user.id });

		// A password against the policy is refused, naming the field, and the link still works.
		const weak = await failure(resetPassword({ context, input: { token, password: 'short' } }));
		expect(weak).toMatchObject({ code: AppErrorCode.InvalidInput, field: 'password', status: 400 });

		expect(
			await resetPassword({ context, input: { token, password: 'brand-new-password' } })
		).toEqual({
			userId: user.id
		});
		expect(await isSessionLive({ context, userId: user.id, sessionId: openSession })).toBe(false);
		const old = await failure(
			verifyCredentials({ context, email, password: 'old-password', ip: uniqueIp() })
		);
		expect(old.code).toBe(AppErrorCode.Unauthorized);
		const signedIn = await verifyCredentials({
			context,
			email,
			password: 'brand-new-password',
			ip: uniqueIp()
		});
		expect(signedIn.id).toBe(user.id);
		// The mail arrived, so the address is proven.
		const actor = { userId: user.id, via: 'web' as const };
		expect((await emailVerification({ context, actor })).isVerified).toBe(true);

		const reused = await failure(
			resetPassword({ context, input: { token, password: 'third-password' } })
		);
		expect(reused).toMatchObject({ code: AppErrorCode.InvalidInput, field: 'token', status: 400 });
		expect(reused.message).toMatch(/already used/);
	});

	it('refuses an expired link with a coded 400 naming the token, changing nothing', async () => {
		const email = uniqueEmail('ezra');
		await signUp({ context, input: { name: 'Ezra', email, password: 'keeps-this-one' } });
		await smtp.nextMail(email);
		await requestPasswordReset({ context, input: { email }, ip: uniqueIp() });
		const { token } = linkTo(await smtp.nextMail(email), '/reset-password');
		await context.db.owner.query(
			`update account_tokens set expires_at = now() - interval '1 second' where token_hash = $1`,
			[createHash('sha256').update(token).digest('hex')]
		);
		const expired = await failure(
			resetPassword({ context, input: { token, password: 'would-be-new' } })
		);
		expect(expired).toMatchObject({ code: AppErrorCode.InvalidInput, field: 'token', status: 400 });
		expect(expired.message).toMatch(/expired/);
		const signedIn = await verifyCredentials({
			context,
			email,
			password: 'keeps-this-one',
			ip: uniqueIp()
		});
		expect(signedIn.email).toBe(email);
	});

	it('answers an unknown email the same, mails nothing, and limits requests per email', async () => {
		const nobody = uniqueEmail('nobody');
		expect(
			await requestPasswordReset({ context, input: { email: nobody }, ip: uniqueIp() })
		).toEqual({
			sentTo: nobody
		});
		await expect(smtp.nextMail(nobody, { timeout: 3_000 })).rejects.toThrow(/No mail/);

		const badEmail = await failure(
			requestPasswordReset({ context, input: { email: 'not-an-email' }, ip: uniqueIp() })
		);
		expect(badEmail).toMatchObject({ code: AppErrorCode.InvalidInput, field: 'email' });

		for (let attempt = 1; attempt < MAILS_PER_HOUR; attempt++)
			await requestPasswordReset({ context, input: { email: nobody }, ip: uniqueIp() });
		// From other client addresses too: the limit is per email as well as per address.
		const limited = await failure(
			requestPasswordReset({ context, input: { email: nobody }, ip: uniqueIp() })
		);
		expect(limited).toMatchObject({ code: AppErrorCode.RateLimited, status: 429 });
	});
});

describe('invitations', () => {
	it('mails the invitee a working link naming who invited them, the space, role and expiry', async () => {
		const owner = await createUser(context, 'Ines Inviter');
		const space = await createSpace(context, owner, 'Harvest Fair');
		const inviteeEmail = uniqueEmail('ivo');
		const invitation = await inviteMember({
			context,
			actor: owner.actor,
			space: space.slug,
			input: { email: inviteeEmail, role: 'editor' }
		});
		const mail = await smtp.nextMail(inviteeEmail);
		expect(mail.subject).toBe('Ines Inviter invited you to Harvest Fair on Roster');
		expect(mail.text).toContain('“Harvest Fair” on Roster as editor');
		expect(mail.text).toMatch(/works until \w{3}, \d\d \w{3} \d{4}/);
		const link = mail.links.find((each) => each.includes('/invite/'));
		expect(link).toBe(`${ORIGIN}${invitation.invitePath}`);

		const invitee = await createUser(context, 'Ivo');
		const joined = await acceptInvitation({
			context,
			actor: invitee.actor,
			secret: new URL(link!).pathname.split('/').pop()!
		});
		expect(joined).toMatchObject({ slug: space.slug, role: 'editor' });
		expect((await listSpaces({ context, actor: invitee.actor })).map((each) => each.slug)).toEqual([
			space.slug
		]);
	});
});

describe('invitation mail', () => {
	it('is limited per address, so re-inviting cannot flood an inbox', async () => {
		const owner = await createUser(context, 'Eager Owner');
		const space = await createSpace(context, owner);
		const email = uniqueEmail('flooded');
		const invite = () =>
			inviteMember({
				context,
				actor: owner.actor,
				space: space.slug,
				input: { email, role: 'viewer' }
			});
		for (let attempt = 0; attempt < MAILS_PER_HOUR; attempt++) await invite();
		const limited = await failure(invite());
		expect(limited).toMatchObject({ code: AppErrorCode.RateLimited, status: 429 });
	});
});

describe('a mail server that is down', () => {
	it('keeps the mail in the queue and delivers it once the server is back', async () => {
		const { port } = smtp;
		await smtp.stop();
		const email = uniqueEmail('patient');
		await signUp({ context, input: { name: 'Patient', email, password: 'waits-for-it' } });
		// The first attempt meets a closed port and fails; the queue tries again 10 s later. On a
		// loaded machine the worker can take a while to pick the job up (it failed at 15 s once,
		// in a full run beside the e2e suites), so the wait is generous.
		await expect
			.poll(
				async () => {
					const { rows } = await context.db.owner.query<{ retries: number }>(
						`select coalesce(max(retry_count), 0) as retries from pgboss.job where name = $1`,
						[mailQueue]
					);
					return rows[0]!.retries;
				},
				{ timeout: 45_000, interval: 250 }
			)
			.toBeGreaterThan(0);
		smtp = await startSmtpServer({ port });
		const mail = await smtp.nextMail(email, { timeout: 60_000 });
		expect(mail.subject).toBe('Confirm your email address for Roster');
	}, 150_000);
});

describe('the embedded default', () => {
	it('prints each mail to the log, readable: to, subject and the link', async () => {
		const lines: string[] = [];
		const mailer = createMailer(loadConfig({ MAIL_FROM: 'Roster <roster@localhost>' }), (line) =>
			lines.push(line)
		);
		expect(mailer.kind).toBe('console');
		await mailer.send({
			to: 'cleo@example.test',
			subject: 'Choose a new password for Roster',
			text: 'Choose a new password:\nhttp://localhost:3000/reset-password?token=abc',
			html: '<p>ignored in the log</p>'
		});
		const printed = lines.join('\n');
		expect(printed).toContain('To:      cleo@example.test');
		expect(printed).toContain('Subject: Choose a new password for Roster');
		expect(printed).toContain('http://localhost:3000/reset-password?token=abc');
		expect(printed).not.toContain('<p>');
	});

	it('refuses mail settings that cannot work, naming the variable', () => {
		expect(() => loadConfig({ SMTP_URL: 'http://mail.example.test' })).toThrow(/SMTP_URL/);
		// Links in real mail need the public address.
		expect(() => loadConfig({ SMTP_URL: 'smtp://mail.example.test:587' })).toThrow(/ORIGIN/);
		const config = loadConfig({ SMTP_URL: 'smtps://u:p@mail.example.test', ORIGIN });
		expect(createMailer(config, () => undefined).kind).toBe('smtp');
	});
});

describe('through the running app', () => {
	let server: AppServer;
	let serverSmtp: SmtpTestServer;

	beforeAll(async () => {
		serverSmtp = await startSmtpServer();
		const port = await freePort();
		server = await startAppServer({
			PORT: String(port),
			ORIGIN: `http://127.0.0.1:${port}`,
			SMTP_URL: serverSmtp.url,
			MAIL_QUEUE: `mail-test-${randomUUID().slice(0, 8)}`
		});
	});

	afterAll(async () => {
		await server?.stop();
		await serverSmtp?.stop();
	});

	/** Posts a page's form action the way SvelteKit's enhanced forms do; the answer is JSON. */
	async function postAction(path: string, fields: Record<string, string>) {
		const response = await fetch(`${server.url}${path}`, {
			method: 'POST',
			headers: { origin: server.url, 'x-sveltekit-action': 'true', accept: 'application/json' },
			body: new URLSearchParams(fields)
		});
		expect(response.status).toBe(200);
		const body = await response.text();
		// SvelteKit answers an action's outcome in the body: { type, status, data }.
		const { status, type } = JSON.parse(body) as { status: number; type: string };
		return { status, type, body };
	}

	it('answers sign-up the same for a new and a taken email; only the mail differs', async () => {
		const taken = uniqueEmail('taken.web');
		const fresh = uniqueEmail('fresh.web');
		await postAction('/signup', { name: 'First', email: taken, password: 'first-password' });
		expect((await serverSmtp.nextMail(taken)).subject).toBe(
			'Confirm your email address for Roster'
		);

		const again = await postAction('/signup', {
			name: 'Second',
			email: taken,
			password: 'second-password'
		});
		const created = await postAction('/signup', {
			name: 'Fresh',
			email: fresh,
			password: 'fresh-password'
		});
		expect(again.status).toBe(200);
		expect(created.status).toBe(again.status);
		expect(again.body).not.toMatch(/exists|already/i);
		expect(created.body.replaceAll(fresh, '<email>')).toBe(again.body.replaceAll(taken, '<email>'));

		expect((await serverSmtp.nextMail(taken)).subject).toBe('You already have a Roster account');
		const verification = await serverSmtp.nextMail(fresh);
		const { link } = linkTo(verification, '/verify-email');
		expect(link.startsWith(`${server.url}/verify-email?token=`)).toBe(true);
		const page = await fetch(link);
		expect(await page.text()).toContain('Email address confirmed');
	});

	it('answers a reset request the same whether or not the email has an account', async () => {
		const known = uniqueEmail('known.web');
		await postAction('/signup', { name: 'Known', email: known, password: 'known-password' });
		await serverSmtp.nextMail(known);
		const unknown = uniqueEmail('unknown.web');
		const forKnown = await postAction('/forgot-password', { email: known });
		const forUnknown = await postAction('/forgot-password', { email: unknown });
		expect(forKnown.status).toBe(200);
		expect(forUnknown.body.replaceAll(unknown, '<email>')).toBe(
			forKnown.body.replaceAll(known, '<email>')
		);
		const { token } = linkTo(await serverSmtp.nextMail(known), '/reset-password');

		const weak = await postAction('/reset-password', { token, password: 'short' });
		expect(weak).toMatchObject({ type: 'failure', status: 400 });
		expect(weak.body).toContain('INVALID_INPUT');
		expect(weak.body).toContain('password');
		const bad = await postAction('/reset-password', { token: 'forged', password: 'long-enough-1' });
		expect(bad).toMatchObject({ type: 'failure', status: 400 });
		expect(bad.body).toContain('INVALID_INPUT');
		expect(bad.body).toContain('token');
		const done = await postAction('/reset-password', { token, password: 'long-enough-1' });
		expect(done).toMatchObject({ type: 'redirect', status: 303 });
	});
});
