// Password hashing with scrypt (node:crypto, no native add-on). The cost parameters travel in
// the encoded hash (`scrypt$N$r$p$salt$hash`), so they can be raised later without breaking
// the hashes already stored.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { z } from 'zod';

// OWASP's low-memory scrypt setting (N=2^14, r=8, p=5): 16 MiB per hash, so a burst of
// sign-ins cannot exhaust memory, at the same work factor as its N=2^17, p=1 setting.
const COST = { N: 2 ** 14, r: 8, p: 5 };
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 200;

export const passwordSchema = z
	.string({ error: 'is required' })
	.min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
	.max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`);

function derive(password: string, salt: Buffer, cost: ScryptOptions & { N: number; r: number }) {
	return new Promise<Buffer>((resolve, reject) => {
		const options = { ...cost, maxmem: 256 * cost.N * cost.r };
		scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) =>
			error ? reject(error) : resolve(key)
		);
	});
}

export async function hashPassword(password: string): Promise<string> {
	const salt = randomBytes(SALT_LENGTH);
	const key = await derive(password, salt, COST);
	return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64'), key.toString('base64')].join(
		'$'
	);
}

const isPowerOfTwo = (value: number) => Number.isInteger(value) && (value & (value - 1)) === 0;

/** False for a wrong password and for anything that is not a hash this module wrote. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
	const [scheme, n, r, p, salt, hash] = encoded.split('$');
	if (scheme !== 'scrypt' || !salt || !hash) return false;
	const cost = { N: Number(n), r: Number(r), p: Number(p) };
	// Bounds keep a corrupted row from asking for gigabytes of memory.
	if (!isPowerOfTwo(cost.N) || cost.N < 2 ** 10 || cost.N > 2 ** 20) return false;
	if (!Number.isInteger(cost.r) || cost.r < 1 || cost.r > 32) return false;
	if (!Number.isInteger(cost.p) || cost.p < 1 || cost.p > 16) return false;
	const expected = Buffer.from(hash, 'base64');
	if (expected.length !== KEY_LENGTH) return false;
	const actual = await derive(password, Buffer.from(salt, 'base64'), cost);
	return timingSafeEqual(actual, expected);
}

let decoy: Promise<string> | undefined;

/**
 * Spends the time of one verification when there is no hash to check (unknown email, an
 * OAuth-only account), so response times do not tell which emails have a password.
 */
export async function verifyAgainstDecoy(password: string): Promise<false> {
	decoy ??= hashPassword(randomBytes(16).toString('hex'));
	await verifyPassword(password, await decoy);
	return false;
}
