// Webhook signing secrets at rest: sealed with AES-256-GCM under a key derived from the app's
// secret (AUTH_SECRET, from Vault when set), so a copy of the database cannot sign as the app.
// Queued mail is sealed the same way under a key of its own (`purpose`): it carries live links.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const keyOf = (appSecret: string, purpose: string) =>
	Buffer.from(hkdfSync('sha256', appSecret, '', purpose, 32));

export function sealSecret(
	appSecret: string,
	secret: string,
	purpose = 'roster webhook secret'
): string {
	const iv = randomBytes(12);
	const cipher = createCipheriv('aes-256-gcm', keyOf(appSecret, purpose), iv);
	const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
	return [iv, cipher.getAuthTag(), sealed].map((part) => part.toString('base64url')).join('.');
}

export function openSecret(
	appSecret: string,
	sealed: string,
	purpose = 'roster webhook secret'
): string {
	const [iv, tag, data] = sealed.split('.').map((part) => Buffer.from(part, 'base64url'));
	const decipher = createDecipheriv('aes-256-gcm', keyOf(appSecret, purpose), iv!);
	decipher.setAuthTag(tag!);
	return Buffer.concat([decipher.update(data!), decipher.final()]).toString('utf8');
}
