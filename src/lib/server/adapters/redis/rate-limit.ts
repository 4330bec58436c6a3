// Counts attempts per key (sign-ins per email and address, writes per user) over a fixed window.
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

interface LimiterLike {
	consume(key: string, points?: number): Promise<unknown>;
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
				const retryAfterSeconds = Math.max(1, Math.ceil(error.msBeforeNext / 1000));
				throw new AppError(
					AppErrorCode.RateLimited,
					`Too many attempts; try again in ${retryAfterSeconds} seconds`,
					{ details: { retryAfterSeconds } }
				);
			}
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

export function createRedisRateLimiter(redis: Redis, options: RateLimiterOptions): RateLimiter {
	const limiter = new RateLimiterRedis({
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
	return wrap(limiter, options);
}
