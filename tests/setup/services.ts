// Integration tests run against real services: DATABASE_URL / REDIS_URL when set, else an
// embedded Postgres under .data/test and a redis-server on a free port. Each run gets a fresh
// database, dropped afterwards; the suites boot the app context against it.
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/lib/server/adapters/postgres/embedded';
import { redisServerBinary, startRedisServer } from '../support/redis-server';

declare module 'vitest' {
	export interface ProvidedContext {
		databaseUrl: string;
		redisUrl: string | undefined;
	}
}

interface Services {
	databaseUrl: string;
	redisUrl: string | undefined;
	stop(): Promise<void>;
}

// Each Vitest project (integration, e2e) runs this global setup, in the same process and at the
// same time: share one set of services between them, and stop it after the last one is done.
const shared = globalThis as {
	[key: symbol]: { services: Promise<Services>; users: number } | undefined;
};
const slot = Symbol.for('roster.test.services');

async function startServices(): Promise<Services> {
	const stops: (() => Promise<void>)[] = [];

	let adminUrl = process.env.DATABASE_URL;
	if (!adminUrl) {
		const embedded = await startEmbeddedPostgres({ dataDir: '.data/test', database: 'postgres' });
		adminUrl = embedded.url;
		stops.push(embedded.stop);
	}
	const database = `roster_test_${Date.now()}_${process.pid}`;
	const admin = new pg.Client({ connectionString: adminUrl });
	await admin.connect();
	await admin.query(`create database ${database}`);
	await admin.end();
	const url = new URL(adminUrl);
	url.pathname = `/${database}`;
	stops.unshift(async () => {
		const client = new pg.Client({ connectionString: adminUrl });
		await client.connect();
		await client.query(`drop database if exists ${database} with (force)`);
		await client.end();
	});

	let redisUrl = process.env.REDIS_URL;
	if (!redisUrl && redisServerBinary()) {
		const redis = await startRedisServer();
		redisUrl = redis.url;
		stops.push(redis.stop);
	}
	return {
		databaseUrl: url.toString(),
		redisUrl,
		async stop() {
			for (const stop of stops) await stop().catch((error) => console.error(error));
		}
	};
}

export default async function setup(project: TestProject) {
	const entry = (shared[slot] ??= { services: startServices(), users: 0 });
	entry.users++;
	const services = await entry.services;
	project.provide('databaseUrl', services.databaseUrl);
	project.provide('redisUrl', services.redisUrl);
	return async () => {
		entry.users--;
		if (entry.users > 0) return;
		shared[slot] = undefined;
		await services.stop();
	};
}
