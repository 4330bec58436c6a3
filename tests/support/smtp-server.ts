// A real SMTP server for tests: smtp-server on a free loopback port (plain, no TLS, any or no
// login), with every mail parsed by mailparser. Tests point SMTP_URL at it and wait for a
// mail to an address with `nextMail`.
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { freePort } from '$lib/server/adapters/postgres/embedded';

export interface ReceivedMail {
	from: string;
	to: string[];
	subject: string;
	text: string;
	html: string;
	/** Every http(s) link in the plain-text body, in order. */
	links: string[];
}

export interface SmtpTestServer {
	url: string;
	port: number;
	/** Every mail received so far. */
	mails: ReceivedMail[];
	/**
	 * The next mail to `to` (with `subject`, when given) not yet taken by an earlier call;
	 * rejects after `timeout` ms.
	 */
	nextMail(to: string, options?: { timeout?: number; subject?: string }): Promise<ReceivedMail>;
	/** Stops the server. */
	stop(): Promise<void>;
}

export async function startSmtpServer(options: { port?: number } = {}): Promise<SmtpTestServer> {
	const mails: ReceivedMail[] = [];
	const taken = new Set<ReceivedMail>();
	const waiters: (() => void)[] = [];
	const server = new SMTPServer({
		secure: false,
		// No STARTTLS: the test server has no certificate a client would trust.
		disabledCommands: ['STARTTLS'],
		authOptional: true,
		logger: false,
		// Clients keep pooled connections open; stopping must not wait half a minute for them.
		closeTimeout: 500,
		onAuth(_auth, _session, callback) {
			callback(null, { user: 'test' });
		},
		onData(stream, session, callback) {
			simpleParser(stream)
				.then((parsed) => {
					const text = parsed.text ?? '';
					mails.push({
						from: parsed.from?.text ?? '',
						to: session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase()),
						subject: parsed.subject ?? '',
						text,
						html: typeof parsed.html === 'string' ? parsed.html : '',
						links: text.match(/https?:\/\/\S+/g) ?? []
					});
					for (const wake of waiters.splice(0)) wake();
					callback();
				})
				.catch((error: Error) => callback(error));
		}
	});
	const port = options.port ?? (await freePort());
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, '127.0.0.1', () => resolve());
	});

	function take(to: string, subject: string | undefined): ReceivedMail | undefined {
		const mail = mails.find(
			(each) =>
				!taken.has(each) &&
				each.to.includes(to.toLowerCase()) &&
				(subject === undefined || each.subject === subject)
		);
		if (mail) taken.add(mail);
		return mail;
	}

	return {
		url: `smtp://127.0.0.1:${port}`,
		port,
		mails,
		nextMail(to, { timeout = 20_000, subject } = {}) {
			return new Promise((resolve, reject) => {
				const timer = setTimeout(
					() => reject(new Error(`No mail to ${to} within ${timeout} ms`)),
					timeout
				);
				const check = () => {
					const mail = take(to, subject);
					if (mail) {
						clearTimeout(timer);
						resolve(mail);
					} else waiters.push(check);
				};
				check();
			});
		},
		stop: () => new Promise<void>((resolve) => server.close(() => resolve()))
	};
}
