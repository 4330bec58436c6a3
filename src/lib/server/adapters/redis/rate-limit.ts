// Counts attempts per key (sign-ins per email and address, writes per user) over a fixed window,
// and failures per key (wrong passwords per address and per account).
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import { redisKey } from './keys';

export interface RateLimiter {
	/** Resolves when the attempt is allowed; throws AppError RateLimited when over the limit. */
	consume(key: string, points?: number): Promise<void>;
}

export interface RateLimiterOptions {
	/** Attempts allowed per window. */
	points: number;
	durationSeconds: number;
	/** Names the limit (`sign-in`, `write`) so two limits never share counters. */
	keyPrefix: string;
}

/**
 * Counts failures (wrong passwords) per key without charging the attempts that succeed: `check`
 * refuses once `points` failures fell in the window, `fail` counts one, `clear` forgets them.
 */
export interface FailureCounter {
	/** Resolves while under the limit; throws AppError RateLimited until the window ends. */
	check(key: string): Promise<void>;
	fail(key: string): Promise<void>;
	clear(key: string): Promise<void>;
}

interface LimiterLike {
	consume(key: string, points?: number): Promise<unknown>;
	get(key: string): Promise<RateLimiterRes | null>;
	delete(key: string): Promise<boolean>;
}

function rateLimited(msBeforeNext: number): AppError {
	const retryAfterSeconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
	return new AppError(
		AppErrorCode.RateLimited,
		`Too many attempts; try again in ${retryAfterSeconds} seconds`,
		{ details: { retryAfterSeconds } }
	);
}

function wrap(limiter: LimiterLike, options: RateLimiterOptions): RateLimiter {
	return {
		async consume(key, points = 1) {
			try {
				// The limiter's own prefix is empty so the stored key is exactly this one.
				await limiter.consume(redisKey('rate-limit', options.keyPrefix, key), points);
			} catch (error) {
				// rate-limiter-flexible rejects with a RateLimiterRes when over the limit and with an
				// Error when its store fails; only the first is the caller's fault.
				if (!(error instanceof RateLimiterRes)) throw error;
				throw rateLimited(error.msBeforeNext);
			}
		}
	};
}

function wrapFailures(limiter: LimiterLike, options: RateLimiterOptions): FailureCounter {
	const keyOf = (key: string) => redisKey('rate-limit', options.keyPrefix, key);
	return {
		async check(key) {
			const state = await limiter.get(keyOf(key));
			if (state && state.consumedPoints >= options.points) throw rateLimited(state.msBeforeNext);
		},
		async fail(key) {
			// Over the limit already: the refusal is `check`'s to give, this only counts.
			await limiter.consume(keyOf(key)).catch((error: unknown) => {
				if (!(error instanceof RateLimiterRes)) throw error;
			});
		},
		async clear(key) {
			await limiter.delete(keyOf(key));
		}
	};
}

function memoryLimiter(options: RateLimiterOptions): RateLimiterMemory {
	return new RateLimiterMemory({
		points: options.points,
		duration: options.durationSeconds,
		keyPrefix: ''
	});
}

export function createMemoryRateLimiter(options: RateLimiterOptions): RateLimiter {
	return wrap(memoryLimiter(options), options);
}

export function createMemoryFailureCounter(options: RateLimiterOptions): FailureCounter {
	return wrapFailures(memoryLimiter(options), options);
}

export function createRedisFailureCounter(
	redis: Redis,
	options: RateLimiterOptions
): FailureCounter {
	return wrapFailures(redisLimiter(redis, options), options);
}

export function createRedisRateLimiter(redis: Redis, options: RateLimiterOptions): RateLimiter {
	return wrap(redisLimiter(redis, options), options);
}

function redisLimiter(redis: Redis, options: RateLimiterOptions): RateLimiterRedis {
	return new RateLimiterRedis({
		storeClient: redis,
		// `useRedisPackage` is for the `redis` (node-redis) client and switches to its command
		// signatures; ioredis is the default this library speaks, so it stays unset.
		points: options.points,
		duration: options.durationSeconds,
		keyPrefix: '',
		// While Redis is unreachable each process counts on its own instead of queueing commands
		// until they time out: sign-in stays possible and still limited, just per process.
		rejectIfRedisNotReady: true,
		insuranceLimiter: memoryLimiter(options)
	});
}
