// The process-wide application context: config, database pools, adapters and the change bus,
// built once at start. It lives on globalThis so the custom server entry, the SvelteKit bundle
// and the realtime transport share one instance even when bundled separately.
import { loadConfig, type Config } from './config';
import { createAccessBus, createChangeBus, type AccessBus, type ChangeBus } from './changes';
import { createPool, type Database } from './db';
import { createPrisma, type PrismaClient } from './prisma';
import { startEmbeddedPostgres } from './adapters/postgres/embedded';
import { runMigrations } from './adapters/postgres/migrate';
import {
	credentialsPassword,
	ensureCredentialsRole,
	ensureRuntimeRole,
	runtimePassword,
	runtimeUrl
} from './adapters/postgres/runtime-role';
import { createKeyValue, type KeyValue } from './adapters/redis';
import { createMailer, type Mailer } from './adapters/mail';
import { createSecrets } from './adapters/secrets';
import { createPostgresUploadGrants, createStorage } from './adapters/storage';
import type { FileStorage, UploadGrants } from './adapters/storage';
import { createEventLog, type EventLog } from './events';
import { createJobQueue, type JobQueue } from './jobs/queue';
import { createSignalBus, type SignalBus } from './signals';
import { createProgressBus, type ProgressBus } from './jobs/progress';
import type { MatchScanStatus } from '$lib/domain/matching/scan';

export interface AppContext {
	config: Config;
	db: Database;
	/** Typed client for the relational parts, on the runtime pool (under RLS like everything else). */
	prisma: PrismaClient;
	kv: KeyValue;
	storage: FileStorage;
	/** Upload links used up: each uploads once (Postgres, so across processes). */
	uploadGrants: UploadGrants;
	changes: ChangeBus;
	/** Access changes (members, tokens, schema), after commit: open connections re-check. */
	access: AccessBus;
	/** Every published change, numbered and kept per space for SSE resume (Redis or in-process). */
	events: EventLog;
	/** Background jobs (pg-boss): imports and their undo. Workers run where jobs/workers.ts starts them. */
	jobs: JobQueue;
	/** Signals (comments, schema, inbox) after their transaction commits, from any process. */
	signals: SignalBus;
	/** Job progress to open pages, across processes when Redis is set. */
	progress: ProgressBus;
	/** Duplicate scans' progress to open review queues (services/matching). */
	scanProgress: ProgressBus<MatchScanStatus>;
	/** SMTP when SMTP_URL is set, the log otherwise. Send through services/mail (the queue), not directly. */
	mailer: Mailer;
	authSecret: string;
	/** Runs `closer` when the context closes, before its pools do (last registered, first run). */
	onClose(closer: () => Promise<void>): void;
	close(): Promise<void>;
}

const slot = Symbol.for('roster.context');
const ready = Symbol.for('roster.context.ready');
type Holder = { [slot]?: Promise<AppContext>; [ready]?: AppContext };
const holder = globalThis as unknown as Holder;

export interface BootOptions {
	env?: Record<string, string | undefined>;
	log?: (line: string) => void;
}

async function create(options: BootOptions): Promise<AppContext> {
	const log = options.log ?? ((line: string) => console.log(line));
	const config = loadConfig(options.env);
	const secrets = createSecrets(config);
	const authSecret = config.AUTH_SECRET ?? (await secrets.get('AUTH_SECRET'));
	if (!authSecret)
		throw new Error('Invalid configuration: AUTH_SECRET is missing from the secret store');

	let stopEmbedded: (() => Promise<void>) | undefined;
	let ownerUrl = config.DATABASE_URL;
	if (!ownerUrl) {
		log('Starting embedded Postgres in ' + config.dataDir + '/pg ...');
		const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir });
		ownerUrl = embedded.url;
		stopEmbedded = embedded.stop;
	}
	// Migrations at boot, then the job queue's own statements (short: fetch, complete).
	const owner = createPool(ownerUrl, 4);
	const { applied } = await runMigrations({ pool: owner });
	if (applied.length) log(`Applied migrations: ${applied.join(', ')}`);
	const password = runtimePassword(authSecret);
	await ensureRuntimeRole({ pool: owner, role: config.DATABASE_RUNTIME_ROLE, password });
	const appUrl = runtimeUrl(ownerUrl, config.DATABASE_RUNTIME_ROLE, password);
	const runtime = createPool(appUrl, config.DATABASE_POOL_SIZE);
	// Sign-in only: two connections are plenty, since scrypt (in node) is the slow part.
	const signInPassword = credentialsPassword(authSecret);
	await ensureCredentialsRole({
		pool: owner,
		role: config.DATABASE_CREDENTIALS_ROLE,
		password: signInPassword
	});
	const credentials = createPool(
		runtimeUrl(ownerUrl, config.DATABASE_CREDENTIALS_ROLE, signInPassword),
		2
	);

	const kv = createKeyValue(config);
	const changes = createChangeBus();
	const events = createEventLog({ changes, maxEvents: config.EVENT_LOG_SIZE, redis: kv.redis });
	const storage = createStorage(config, authSecret);
	if (storage.kind === 's3') await storage.ensureBucket();
	// The queue's tables are the owner's: they hold job ids, never tenant data, and the work a
	// job does runs as its member on the runtime pool like a request.
	const jobs = await createJobQueue({
		pool: owner,
		log,
		overrides: { 'webhook-delivery': { retryLimit: config.WEBHOOK_RETRY_LIMIT } },
		mailQueue: config.MAIL_QUEUE
	});
	const progress = createProgressBus(kv.redis);
	const scanProgress = createProgressBus<MatchScanStatus>(kv.redis, 'roster:scan-progress');
	const mailer = createMailer(config, log);
	const closers: (() => Promise<void>)[] = [];
	const context: AppContext = {
		config,
		db: { owner, runtime, credentials, ownerUrl, runtimeUrl: appUrl },
		prisma: createPrisma(runtime),
		kv,
		storage,
		uploadGrants: createPostgresUploadGrants(runtime),
		changes,
		access: createAccessBus(),
		events,
		signals: createSignalBus(appUrl),
		jobs,
		progress,
		scanProgress,
		mailer,
		authSecret,
		onClose(closer) {
			closers.unshift(closer);
		},
		async close() {
			for (const closer of closers.splice(0)) await closer().catch(() => undefined);
			await jobs.close().catch(() => undefined);
			await mailer.close();
			await progress.close();
			await scanProgress.close();
			await context.signals.close();
			await events.close();
			await kv.close();
			await context.prisma.$disconnect();
			await runtime.end();
			await credentials.end();
			await owner.end();
			await stopEmbedded?.();
		}
	};
	if (config.SEED_DEMO) {
		const { isDemoSeeded, seedDemo, demoLogins } = await import('./seed/demo');
		if (!(await isDemoSeeded(context))) {
			log('Seeding the demo space "Demo Festival 2026" (first start only) ...');
			await seedDemo(context, { log });
		}
		log('Demo logins:');
		for (const login of demoLogins)
			log(`  ${login.role.padEnd(8)} ${login.email}  /  ${login.password}`);
	}
	return context;
}

/** Builds the context once per process; later calls get the same one. */
export function boot(options: BootOptions = {}): Promise<AppContext> {
	holder[slot] ??= create(options).then((context) => {
		holder[ready] = context;
		(globalThis as Record<symbol, unknown>)[Symbol.for('roster.shutdown')] = shutdown;
		return context;
	});
	return holder[slot];
}

/** The booted context; throws when called before `boot` finished. */
export function context(): AppContext {
	const current = holder[ready];
	if (current) return current;
	throw new Error('The application context is not booted yet');
}

export async function shutdown(): Promise<void> {
	const pending = holder[slot];
	holder[slot] = undefined;
	holder[ready] = undefined;
	if (pending) await (await pending).close();
}
