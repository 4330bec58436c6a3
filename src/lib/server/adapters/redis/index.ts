// Cache and rate limits: Redis when REDIS_URL is set (shared across processes), in-process
// otherwise, behind the same interfaces.
import { Redis } from 'ioredis';
import type { Config } from '$lib/server/config';
import { createMemoryCache, createRedisCache, type Cache } from './cache';
import {
	createMemoryFailureCounter,
	createMemoryRateLimiter,
	createRedisFailureCounter,
	createRedisRateLimiter,
	type FailureCounter,
	type RateLimiter
} from './rate-limit';

export { redisKey } from './keys';
export type { Cache } from './cache';
export type { FailureCounter, RateLimiter, RateLimiterOptions } from './rate-limit';
export { createMemoryCache, createRedisCache } from './cache';
export { createMemoryRateLimiter, createRedisRateLimiter } from './rate-limit';

export interface KeyValue {
	cache: Cache;
	/** Sign-in attempts per email and address (and sign-ups per address). */
	signInLimiter: RateLimiter;
	/** Sign-in attempts per address, whatever the email. */
	signInAddressLimiter: RateLimiter;
	/** Wrong passwords per address and per account (email), over the failure window. */
	signInFailures: { byAddress: FailureCounter; byAccount: FailureCounter };
	writeLimiter: RateLimiter;
	/**
	 * Live edits per user, across every socket and process: finer-grained than REST writes (a
	 * long text sends one update per keystroke), so it has its own, higher budget.
	 */
	liveEditLimiter: RateLimiter;
	/**
	 * Account mails (verification, password reset, sign-up notices) per email address and per
	 * client address, per hour: nobody can flood an inbox or the SMTP server through the forms.
	 */
	accountMailLimiter: { perEmail: RateLimiter; perAddress: RateLimiter };
	/** Present only when REDIS_URL is set; the socket.io adapter duplicates it for pub/sub. */
	redis?: Redis;
	close(): Promise<void>;
}

const MINUTE = 60;
const HOUR = 60 * MINUTE;

export function createKeyValue(config: Config): KeyValue {
	const signIn = {
		points: config.RATE_LIMIT_SIGNIN_PER_MINUTE,
		durationSeconds: MINUTE,
		keyPrefix: 'sign-in'
	};
	const signInAddress = {
		points: config.RATE_LIMIT_SIGNIN_PER_ADDRESS_PER_MINUTE,
		durationSeconds: MINUTE,
		keyPrefix: 'sign-in-address'
	};
	const failureWindow = config.RATE_LIMIT_SIGNIN_FAILURE_WINDOW_MINUTES * MINUTE;
	const failuresByAddress = {
		points: config.RATE_LIMIT_SIGNIN_FAILURES_PER_ADDRESS,
		durationSeconds: failureWindow,
		keyPrefix: 'sign-in-failures-address'
	};
	const failuresByAccount = {
		points: config.RATE_LIMIT_SIGNIN_FAILURES_PER_ACCOUNT,
		durationSeconds: failureWindow,
		keyPrefix: 'sign-in-failures-account'
	};
	const write = {
		points: config.RATE_LIMIT_WRITES_PER_MINUTE,
		durationSeconds: MINUTE,
		keyPrefix: 'write'
	};

	const liveEdit = {
		points: config.RATE_LIMIT_LIVE_EDITS_PER_MINUTE,
		durationSeconds: MINUTE,
		keyPrefix: 'live-edit'
	};

	const mailPerEmail = {
		points: config.RATE_LIMIT_ACCOUNT_MAIL_PER_HOUR,
		durationSeconds: HOUR,
		keyPrefix: 'account-mail-email'
	};
	// An office or a school shares one address: it may ask for a few people's mails at once.
	const mailPerAddress = {
		points: config.RATE_LIMIT_ACCOUNT_MAIL_PER_HOUR * 4,
		durationSeconds: HOUR,
		keyPrefix: 'account-mail-address'
	};

	if (!config.REDIS_URL) {
		return {
			cache: createMemoryCache(),
			signInLimiter: createMemoryRateLimiter(signIn),
			signInAddressLimiter: createMemoryRateLimiter(signInAddress),
			signInFailures: {
				byAddress: createMemoryFailureCounter(failuresByAddress),
				byAccount: createMemoryFailureCounter(failuresByAccount)
			},
			writeLimiter: createMemoryRateLimiter(write),
			liveEditLimiter: createMemoryRateLimiter(liveEdit),
			accountMailLimiter: {
				perEmail: createMemoryRateLimiter(mailPerEmail),
				perAddress: createMemoryRateLimiter(mailPerAddress)
			},
			async close() {}
		};
	}

	const redis = new Redis(config.REDIS_URL);
	return {
		cache: createRedisCache(redis),
		signInLimiter: createRedisRateLimiter(redis, signIn),
		signInAddressLimiter: createRedisRateLimiter(redis, signInAddress),
		signInFailures: {
			byAddress: createRedisFailureCounter(redis, failuresByAddress),
			byAccount: createRedisFailureCounter(redis, failuresByAccount)
		},
		writeLimiter: createRedisRateLimiter(redis, write),
		liveEditLimiter: createRedisRateLimiter(redis, liveEdit),
		accountMailLimiter: {
			perEmail: createRedisRateLimiter(redis, mailPerEmail),
			perAddress: createRedisRateLimiter(redis, mailPerAddress)
		},
		redis,
		async close() {
			await redis.quit();
		}
	};
}
