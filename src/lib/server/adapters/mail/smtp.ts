// SMTP through nodemailer: smtp:// upgrades with STARTTLS when the server offers it, smtps://
// speaks TLS from the start; user and password ride in the URL.
import nodemailer from 'nodemailer';
import type { MailMessage, Mailer } from './index';

export function createSmtpMailer(options: { url: string; from: string }): Mailer {
	// A pool keeps one connection open for a burst of mails instead of a handshake per mail.
	const transport = nodemailer.createTransport({
		...smtpSettings(options.url),
		pool: true,
		maxConnections: 2,
		// Fail a hung server within the job's time, so the queue retries it later.
		connectionTimeout: 15_000,
		greetingTimeout: 15_000,
		socketTimeout: 30_000
	});
	return {
		kind: 'smtp',
		async send(message: MailMessage) {
			await transport.sendMail({ from: options.from, ...message });
		},
		async close() {
			transport.close();
		}
	};
}

function smtpSettings(url: string) {
	const parsed = new URL(url);
	const secure = parsed.protocol === 'smtps:';
	return {
		host: parsed.hostname,
		port: parsed.port ? Number(parsed.port) : secure ? 465 : 587,
		secure,
		...(parsed.username && {
			auth: {
				user: decodeURIComponent(parsed.username),
				pass: decodeURIComponent(parsed.password)
			}
		})
	};
}
