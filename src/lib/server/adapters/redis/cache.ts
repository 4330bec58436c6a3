// Short-lived cache for entity-type metadata (the attributes of a type). Values are plain JSON.
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { redisKey } from './keys';

export interface Cache {
	get<T>(key: string): Promise<T | undefined>;
	set<T>(key: string, value: T, ttlSeconds: number): Promise<void>;
	delete(key: string): Promise<void>;
}

function checkTtl(ttlSeconds: number): void {
	// Redis' EX takes whole positive seconds; refusing here keeps both implementations alike.
	if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) {
		throw new RangeError(`ttlSeconds must be a positive integer, got ${ttlSeconds}`);
	}
}

/** The most entries the in-process cache keeps; past it, the least recently used go first. */
const MAX_MEMORY_ENTRIES = 10_000;

export function createMemoryCache(): Cache {
	// Values are kept serialised, as Redis keeps them: a caller mutating what it got back cannot
	// change the cached copy, and a value that does not survive JSON fails here as it would there.
	const entries = new LRUCache<string, string>({ max: MAX_MEMORY_ENTRIES });

	return {
		async get<T>(key: string) {
			const json = entries.get(key);
			return json === undefined ? undefined : (JSON.parse(json) as T);
		},
		async set<T>(key: string, value: T, ttlSeconds: number) {
			checkTtl(ttlSeconds);
			if (value === undefined) {
				entries.delete(key);
				return;
			}
			entries.set(key, JSON.stringify(value), { ttl: ttlSeconds * 1000 });
		},
		async delete(key: string) {
			entries.delete(key);
		}
	};
}

/**
 * A cache in Redis. It is only a cache: while Redis is unreachable every read misses and every
 * write is skipped at once, instead of queueing behind a reconnect and stalling the request.
 */
export function createRedisCache(redis: Redis): Cache {
	const keyOf = (key: string) => redisKey('cache', key);
	// Before the first connection, commands wait for it (a normal start); after a loss, they
	// do not wait for the next one.
	let wasReady = redis.status === 'ready';
	redis.on('ready', () => (wasReady = true));
	const isUp = () => redis.status === 'ready' || !wasReady;

	return {
		async get<T>(key: string) {
			if (!isUp()) return undefined;
			const json = await redis.get(keyOf(key)).catch(() => null);
			return json === null ? undefined : (JSON.parse(json) as T);
		},
		async set<T>(key: string, value: T, ttlSeconds: number) {
			checkTtl(ttlSeconds);
			if (!isUp()) return;
			// JSON.stringify(undefined) is undefined, which Redis would store as the text
			// "undefined"; an absent value is a deletion instead.
			if (value === undefined) {
				await redis.del(keyOf(key)).catch(() => undefined);
				return;
			}
			await redis.set(keyOf(key), JSON.stringify(value), 'EX', ttlSeconds).catch(() => undefined);
		},
		async delete(key: string) {
			await redis.del(keyOf(key));
		}
	};
}
