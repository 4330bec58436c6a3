// One contract for the cache and the rate limiter, run over the in-process implementation and
// over a real Redis (REDIS_URL when set, else a redis-server this file starts itself).
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import {
	createMemoryCache,
	createMemoryRateLimiter,
	createRedisCache,
	createRedisRateLimiter,
	redisKey,
	type Cache,
	type RateLimiter,
	type RateLimiterOptions
} from '$lib/server/adapters/redis';
import { freePort } from '$lib/server/adapters/postgres/embedded';
import { redisServerBinary, startRedisServer, type RedisServer } from '../../support/redis-server';

interface KeyValueFixture {
	cache: Cache;
	limiter(options: RateLimiterOptions): RateLimiter;
	/** A second, independent client of the same store: another process, as far as Redis knows. */
	otherProcessLimiter(options: RateLimiterOptions): RateLimiter;
	close(): Promise<void>;
}

interface Implementation {
	name: string;
	isShared: boolean;
	isAvailable: boolean;
	setup(): Promise<KeyValueFixture>;
}

const implementations: Implementation[] = [
	{
		name: 'memory',
		isShared: false,
		isAvailable: true,
		async setup() {
			return {
				cache: createMemoryCache(),
				limiter: createMemoryRateLimiter,
				otherProcessLimiter: createMemoryRateLimiter,
				async close() {}
			};
		}
	},
	{
		name: 'redis',
		isShared: true,
		// Without REDIS_URL and without a redis-server binary there is nothing real to test
		// against; the memory cases still run.
		isAvailable: Boolean(process.env.REDIS_URL) || redisServerBinary() !== undefined,
		async setup() {
			let server: RedisServer | undefined;
			if (!process.env.REDIS_URL) server = await startRedisServer();
			const url = process.env.REDIS_URL ?? server!.url;
			const redis = new Redis(url);
			const other = new Redis(url);
			return {
				cache: createRedisCache(redis),
				limiter: (options) => createRedisRateLimiter(redis, options),
				otherProcessLimiter: (options) => createRedisRateLimiter(other, options),
				async close() {
					await Promise.all([redis.quit(), other.quit()]);
					await server?.stop();
				}
			};
		}
	}
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Keys unique to this run, so a shared Redis (REDIS_URL) holds nothing left from another. */
const unique = (label: string) => `${label}-${randomUUID()}`;

async function rejection(promise: Promise<unknown>): Promise<AppError> {
	const error = await promise.then(
		() => undefined,
		(reason: unknown) => reason
	);
	expect(error).toBeInstanceOf(AppError);
	return error as AppError;
}

describe('redisKey', () => {
	it('encodes each part so that no part can reach into the next', () => {
		expect(redisKey('cache', 'entity-type:42')).toBe('roster:cache:entity-type%3A42');
		expect(redisKey('a:b', 'c')).not.toBe(redisKey('a', 'b:c'));
	});
});

describe.each(implementations)('$name key-value store', (implementation) => {
	// Redis runs only where REDIS_URL is set or redis-server is installed (.ci/run installs it).
	describe.skipIf(!implementation.isAvailable)('contract', () => {
		let store: KeyValueFixture;

		beforeAll(async () => {
			store = await implementation.setup();
		});

		afterAll(async () => {
			await store?.close();
		});

		describe('cache', () => {
			it('returns undefined for a key never set', async () => {
				expect(await store.cache.get(unique('missing'))).toBeUndefined();
			});

			it('returns a copy of what was set, which callers may change freely', async () => {
				const key = unique('entity-type');
				const attributes = {
					attributes: [
						{ key: 'name', kind: 'text', required: true },
						{ key: 'größe', kind: 'number', options: { decimals: 2 } }
					]
				};
				await store.cache.set(key, attributes, 60);

				const first = await store.cache.get<typeof attributes>(key);
				expect(first).toEqual(attributes);
				first!.attributes.pop();
				expect(await store.cache.get(key)).toEqual(attributes);
			});

			it('replaces a value and forgets a deleted one', async () => {
				const key = unique('entity-type');
				await store.cache.set(key, { version: 1 }, 60);
				await store.cache.set(key, { version: 2 }, 60);
				expect(await store.cache.get(key)).toEqual({ version: 2 });

				await store.cache.delete(key);
				expect(await store.cache.get(key)).toBeUndefined();
				await expect(store.cache.delete(key)).resolves.toBeUndefined();
			});

			it('keeps keys apart that differ only in separators or escapes', async () => {
				const id = randomUUID();
				await store.cache.set(`a:${id}`, 'colon', 60);
				await store.cache.set(`a%3A${id}`, 'escaped', 60);
				expect(await store.cache.get(`a:${id}`)).toBe('colon');
				expect(await store.cache.get(`a%3A${id}`)).toBe('escaped');
			});

			it('drops a value after its time to live', async () => {
				const key = unique('short-lived');
				await store.cache.set(key, { value: 1 }, 1);
				expect(await store.cache.get(key)).toEqual({ value: 1 });
				await sleep(1_200);
				expect(await store.cache.get(key)).toBeUndefined();
			});

			it('refuses a time to live that is not whole positive seconds', async () => {
				await expect(store.cache.set(unique('ttl'), 1, 0)).rejects.toThrow(RangeError);
				await expect(store.cache.set(unique('ttl'), 1, 1.5)).rejects.toThrow(RangeError);
			});
		});

		describe('rate limiter', () => {
			const perMinute = (points: number): RateLimiterOptions => ({
				points,
				durationSeconds: 60,
				keyPrefix: unique('limit')
			});

			it('allows the configured attempts, then refuses with a retry time', async () => {
				const limiter = store.limiter(perMinute(3));
				const key = unique('user@example.com');
				for (let attempt = 0; attempt < 3; attempt++) await limiter.consume(key);

				const error = await rejection(limiter.consume(key));
				expect(error.code).toBe(AppErrorCode.RateLimited);
				expect(error.status).toBe(429);
				const { retryAfterSeconds } = error.details as { retryAfterSeconds: number };
				expect(retryAfterSeconds).toBeGreaterThanOrEqual(1);
				expect(retryAfterSeconds).toBeLessThanOrEqual(60);
				expect(error.message).toBe(`Too many attempts; try again in ${retryAfterSeconds} seconds`);
			});

			it('counts each key and each named limit separately', async () => {
				const options = perMinute(1);
				const limiter = store.limiter(options);
				const key = unique('user');
				await limiter.consume(key);
				await expect(limiter.consume(key)).rejects.toBeInstanceOf(AppError);

				await expect(limiter.consume(unique('other-user'))).resolves.toBeUndefined();
				const otherLimit = store.limiter({ ...options, keyPrefix: unique('other-limit') });
				await expect(otherLimit.consume(key)).resolves.toBeUndefined();
			});

			it('weighs an attempt by its points', async () => {
				const limiter = store.limiter(perMinute(5));
				const key = unique('import');
				await limiter.consume(key, 5);
				await expect(limiter.consume(key)).rejects.toBeInstanceOf(AppError);
			});

			it('allows attempts again once the window has passed', async () => {
				const limiter = store.limiter({
					points: 1,
					durationSeconds: 1,
					keyPrefix: unique('limit')
				});
				const key = unique('user');
				await limiter.consume(key);
				await expect(limiter.consume(key)).rejects.toBeInstanceOf(AppError);
				await sleep(1_200);
				await expect(limiter.consume(key)).resolves.toBeUndefined();
			});

			it(
				implementation.isShared ? 'shares one count between processes' : 'counts per process',
				async () => {
					const options = perMinute(2);
					const key = unique('user');
					await store.limiter(options).consume(key);
					await store.otherProcessLimiter(options).consume(key);
					const third = store.otherProcessLimiter(options).consume(key);
					if (implementation.isShared) await expect(third).rejects.toBeInstanceOf(AppError);
					else await expect(third).resolves.toBeUndefined();
				}
			);
		});
	});
});

describe.skipIf(!implementations[1]!.isAvailable)('redis rate limiter while Redis is down', () => {
	it('falls back to counting in this process instead of failing or letting everyone in', async () => {
		// Nothing listens on this port: the client never becomes ready, as in an outage.
		const redis = new Redis(`redis://127.0.0.1:${await freePort()}`, { maxRetriesPerRequest: 0 });
		redis.on('error', () => undefined);
		try {
			const limiter = createRedisRateLimiter(redis, {
				points: 2,
				durationSeconds: 60,
				keyPrefix: unique('limit')
			});
			const key = unique('user');
			await limiter.consume(key);
			await limiter.consume(key);
			const error = await rejection(limiter.consume(key));
			expect(error.code).toBe(AppErrorCode.RateLimited);
		} finally {
			redis.disconnect();
		}
	});
});
