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

export default async function setup(project: TestProject) {
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
	project.provide('databaseUrl', url.toString());
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
	project.provide('redisUrl', redisUrl);

	return async () => {
		for (const stop of stops) await stop().catch((error) => console.error(error));
	};
}
