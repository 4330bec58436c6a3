// The embedded default: no mail server, so each mail is printed, readable, to the app's log. A
// developer copies the link from there.
import type { MailMessage, Mailer } from './index';

export function createConsoleMailer(options: {
	from: string;
	log: (line: string) => void;
}): Mailer {
	return {
		kind: 'console',
		async send(message: MailMessage) {
			const rule = '-'.repeat(72);
			options.log(
				[
					rule,
					`Mail (not sent: SMTP_URL is not set)`,
					`From:    ${options.from}`,
					`To:      ${message.to}`,
					`Subject: ${message.subject}`,
					'',
					message.text.trimEnd(),
					rule
				].join('\n')
			);
		},
		async close() {}
	};
}
