// Mail: SMTP through nodemailer when SMTP_URL is set, the console otherwise (the embedded
// default: each mail is printed where the app logs, link and all), behind one Mailer port.
import type { Config } from '$lib/server/config';
import { createConsoleMailer } from './console';
import { createSmtpMailer } from './smtp';

export interface MailMessage {
	to: string;
	subject: string;
	/** The plain-text body; every mail has one, for readers that show no HTML. */
	text: string;
	html: string;
}

export interface Mailer {
	kind: 'smtp' | 'console';
	/** Resolves once the server accepted the mail; rejects when it could not be handed over. */
	send(message: MailMessage): Promise<void>;
	close(): Promise<void>;
}

export { createConsoleMailer } from './console';
export { createSmtpMailer } from './smtp';

export function createMailer(config: Config, log: (line: string) => void): Mailer {
	if (config.SMTP_URL) return createSmtpMailer({ url: config.SMTP_URL, from: config.MAIL_FROM });
	return createConsoleMailer({ from: config.MAIL_FROM, log });
}
