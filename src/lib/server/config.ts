// Configuration is read and checked once, at start, and fails fast naming the variable.
// Every variable is documented in .env.example.
import path from 'node:path';
import { z } from 'zod';

const flag = z
	.enum(['true', 'false', '1', '0', 'yes', 'no'])
	.transform((value) => value === 'true' || value === '1' || value === 'yes');

const optional = z
	.string()
	.optional()
	.transform((value) => (value === '' ? undefined : value));

const schema = z.object({
	NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
	PORT: z.coerce.number().int().min(0).max(65535).default(3000),
	HOST: z.string().default('0.0.0.0'),
	ORIGIN: z.url().optional(),
	DATA_DIR: z.string().default('.data'),

	DATABASE_URL: z.url().optional(),
	DATABASE_RUNTIME_ROLE: z
		.string()
		.regex(/^[a-z_][a-z0-9_]*$/, 'must be a lower-case SQL identifier')
		.default('roster_app'),
	DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(20),
	/** The login role that alone may read password hashes (sign-in and password checks). */
	DATABASE_CREDENTIALS_ROLE: z
		.string()
		.regex(/^[a-z_][a-z0-9_]*$/, 'must be a lower-case SQL identifier')
		.default('roster_sign_in'),

	REDIS_URL: z.url().optional(),
	EVENT_LOG_SIZE: z.coerce.number().int().min(100).max(1_000_000).default(10_000),

	S3_ENDPOINT: z.url().optional(),
	S3_BUCKET: optional,
	S3_ACCESS_KEY: optional,
	S3_SECRET_KEY: optional,
	S3_REGION: z.string().default('us-east-1'),
	UPLOAD_MAX_BYTES: z.coerce
		.number()
		.int()
		.positive()
		.default(25 * 1024 * 1024),
	UPLOAD_ALLOWED_TYPES: z
		.string()
		.default(
			'image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
		)
		.transform((value) =>
			value
				.split(',')
				.map((type) => type.trim())
				.filter(Boolean)
		),

	IMPORT_MAX_BYTES: z.coerce
		.number()
		.int()
		.positive()
		.default(1024 * 1024 * 1024),
	IMPORT_MAX_COLUMNS: z.coerce.number().int().min(1).max(16_384).default(500),
	/** Run background jobs in this process too (the embedded default); off when workers run apart. */
	JOBS_IN_PROCESS: flag.default(true),
	/** Attempts after the first for a webhook delivery, with backoff (5 s, 10 s, 20 s …). */
	WEBHOOK_RETRY_LIMIT: z.coerce.number().int().min(0).max(20).default(8),
	/** Deliveries failing in a row (after their retries) before a webhook is switched off. */
	WEBHOOK_FAILURE_LIMIT: z.coerce.number().int().min(1).max(1000).default(20),
	/** Let webhooks reach private and loopback addresses (tests, an intranet); off by default. */
	WEBHOOK_ALLOW_PRIVATE: flag.default(false),
	/** `npm run worker` answers /api/health on this port. */
	WORKER_PORT: z.coerce.number().int().min(0).max(65535).default(3001),

	VAULT_ADDR: z.url().optional(),
	VAULT_TOKEN: optional,
	VAULT_SECRET_PATH: z.string().default('secret/data/roster'),

	AUTH_SECRET: optional,
	AUTH_TRUST_HOST: flag.default(true),
	AUTH_GOOGLE_ID: optional,
	AUTH_GOOGLE_SECRET: optional,
	AUTH_MICROSOFT_ENTRA_ID_ID: optional,
	AUTH_MICROSOFT_ENTRA_ID_SECRET: optional,
	AUTH_MICROSOFT_ENTRA_ID_ISSUER: z.url().optional(),

	/** Where mail goes: smtp://user:pass@host:587 (STARTTLS when offered) or smtps://host:465. Unset: printed to the console. */
	SMTP_URL: optional.pipe(
		z
			.url()
			.refine((value) => /^smtps?:\/\//.test(value), 'must start with smtp:// or smtps://')
			.optional()
	),
	/** The sender of account and invitation mail. */
	MAIL_FROM: z.string().min(3).default('Roster <roster@localhost>'),
	/** The job queue mail waits in; processes sharing one must share the SMTP settings. */
	MAIL_QUEUE: z
		.string()
		.regex(/^[a-z][a-z0-9_-]{0,49}$/, 'must be a lower-case name of letters, digits, - and _')
		.default('mail'),

	SEED_DEMO: flag.default(true),
	/** Sign-in attempts per email and client address. */
	RATE_LIMIT_SIGNIN_PER_MINUTE: z.coerce.number().int().positive().default(10),
	/** Sign-in attempts per client address, whatever the email (spraying across accounts). */
	RATE_LIMIT_SIGNIN_PER_ADDRESS_PER_MINUTE: z.coerce.number().int().positive().default(30),
	/** Failed sign-ins from one address within the failure window before it must wait it out. */
	RATE_LIMIT_SIGNIN_FAILURES_PER_ADDRESS: z.coerce.number().int().positive().default(10),
	/** Failed sign-ins on one account, from anywhere, within the window; a success clears them. */
	RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT: z.coerce.number().int().positive().default(10),
	RATE_LIMIT_SIGNIN_FAILURE_WINDOW_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
	RATE_LIMIT_WRITES_PER_MINUTE: z.coerce.number().int().positive().default(600),
	RATE_LIMIT_LIVE_EDITS_PER_MINUTE: z.coerce.number().int().positive().default(3_000),
	/**
	 * Account mails (sign-up, verification, password reset) one email address may be sent per
	 * hour; one client address may ask for four times as many.
	 */
	RATE_LIMIT_ACCOUNT_MAIL_PER_HOUR: z.coerce.number().int().positive().default(5)
});

type Env = z.infer<typeof schema>;

export interface Config extends Env {
	dataDir: string;
	s3: { endpoint: string; bucket: string; accessKey: string; secretKey: string } | undefined;
	vault: { addr: string; token: string } | undefined;
}

/** Groups of variables that only make sense together. */
function requireTogether(env: Env, names: (keyof Env)[]): void {
	const present = names.filter((name) => env[name] !== undefined);
	if (present.length > 0 && present.length < names.length) {
		const missing = names.filter((name) => env[name] === undefined);
		throw new ConfigError(
			`${missing.join(', ')} must be set when ${present.join(', ')} ${present.length > 1 ? 'are' : 'is'} set`
		);
	}
}

export class ConfigError extends Error {
	constructor(message: string) {
		super(`Invalid configuration: ${message}`);
		this.name = 'ConfigError';
	}
}

export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
	const parsed = schema.safeParse(source);
	if (!parsed.success) {
		const problems = parsed.error.issues.map(
			(issue) => `${issue.path.join('.')}: ${issue.message}`
		);
		throw new ConfigError(problems.join('; '));
	}
	const env = parsed.data;
	requireTogether(env, ['S3_ENDPOINT', 'S3_BUCKET', 'S3_ACCESS_KEY', 'S3_SECRET_KEY']);
	requireTogether(env, ['VAULT_ADDR', 'VAULT_TOKEN']);
	// Links in real mail must lead to the public address, not to a guess.
	if (env.SMTP_URL && !env.ORIGIN) {
		throw new ConfigError('ORIGIN must be set when SMTP_URL is set: links in mail use it');
	}
	if (env.DATABASE_CREDENTIALS_ROLE === env.DATABASE_RUNTIME_ROLE) {
		// One role for both would hand the password hashes back to every request.
		throw new ConfigError('DATABASE_CREDENTIALS_ROLE must differ from DATABASE_RUNTIME_ROLE');
	}
	requireTogether(env, ['AUTH_GOOGLE_ID', 'AUTH_GOOGLE_SECRET']);
	requireTogether(env, [
		'AUTH_MICROSOFT_ENTRA_ID_ID',
		'AUTH_MICROSOFT_ENTRA_ID_SECRET',
		'AUTH_MICROSOFT_ENTRA_ID_ISSUER'
	]);
	return {
		...env,
		dataDir: path.resolve(env.DATA_DIR),
		s3: env.S3_ENDPOINT
			? {
					endpoint: env.S3_ENDPOINT,
					bucket: env.S3_BUCKET!,
					accessKey: env.S3_ACCESS_KEY!,
					secretKey: env.S3_SECRET_KEY!
				}
			: undefined,
		vault: env.VAULT_ADDR ? { addr: env.VAULT_ADDR, token: env.VAULT_TOKEN! } : undefined
	};
}
