// The signature a receiver checks: HMAC-SHA256 over "<timestamp>.<body>" with the webhook's
// secret, sent as `Roster-Signature: t=<unix seconds>,v1=<hex>`. The timestamp inside the
// signed text lets a receiver refuse replays older than it tolerates.
import { createHmac, timingSafeEqual } from 'node:crypto';

export function signatureHeader(secret: string, body: string, unixSeconds: number): string {
	const digest = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
	return `t=${unixSeconds},v1=${digest}`;
}

/** What a receiver does; used by the tests, and a reference for the README. */
export function verifySignature(
	secret: string,
	body: string,
	header: string,
	options: { nowSeconds: number; toleranceSeconds: number }
): boolean {
	const parts = Object.fromEntries(
		header.split(',').map((part) => part.split('=') as [string, string])
	);
	const timestamp = Number(parts.t);
	if (!Number.isInteger(timestamp) || !parts.v1) return false;
	if (Math.abs(options.nowSeconds - timestamp) > options.toleranceSeconds) return false;
	const expected = Buffer.from(signatureHeader(secret, body, timestamp).split('v1=')[1]!, 'hex');
	const given = Buffer.from(parts.v1, 'hex');
	return expected.length === given.length && timingSafeEqual(expected, given);
}
