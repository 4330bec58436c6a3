// Mail leaves through the `mail` job queue, not from the request: the request only records the
// job (one insert), and a worker hands it to the SMTP server with retries, so a slow or down
// server neither holds up the request nor loses the mail. The job's data is sealed: it holds
// live one-time links, and the queue keeps finished jobs for a while.
import type { AppContext } from '../../context';
import type { MailMessage } from '../../adapters/mail';
import { openSecret, sealSecret } from '../webhooks/seal';

const PURPOSE = 'roster queued mail';

export interface MailJob {
	sealed: string;
}

/** A link into the app for a mail: ORIGIN when set, never the request's Host header. */
export function appLink(context: AppContext, path: string): string {
	// A Host header is the sender's to choose: a reset link built from it would carry the token
	// to whatever site the attacker named ("password reset poisoning").
	const origin = context.config.ORIGIN ?? `http://localhost:${context.config.PORT}`;
	return new URL(path, origin).href;
}

export async function sendMail(options: {
	context: AppContext;
	message: MailMessage;
}): Promise<void> {
	const { context, message } = options;
	await context.jobs.send('mail', {
		sealed: sealSecret(context.authSecret, JSON.stringify(message), PURPOSE)
	} satisfies MailJob);
}

/** The `mail` job: hands one mail to the mailer. A throw retries it later (see jobs/queue.ts). */
export async function deliverMail(context: AppContext, job: MailJob): Promise<void> {
	const message = JSON.parse(openSecret(context.authSecret, job.sealed, PURPOSE)) as MailMessage;
	await context.mailer.send(message);
}
