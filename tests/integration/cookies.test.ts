// Cookies are Secure when the app is served over TLS, directly (ORIGIN https) or behind a proxy
// the deployment trusts to say so (PROTOCOL_HEADER), and only then: a client cannot talk a
// plain-http deployment into names its browser would drop, nor an https one into plain cookies.
// Against the built app (`node server.js`), as a browser would see the Set-Cookie headers.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAST_SPACE_COOKIE } from '$lib/cookies';
import { signUp } from '$lib/server/auth/users';
import type { AppContext } from '$lib/server/context';
import { createSpace } from '$lib/server/services/spaces';
import { bootTestApp, stopTestApp } from '../support/app';
import { startAppServer, type AppServer } from '../support/server';

const PASSWORD = 'correct-horse-battery';

let context: AppContext;
let account: { id: string; email: string };
let spaceSlug: string;
const servers: AppServer[] = [];

beforeAll(async () => {
	context = await bootTestApp();
	const email = `cookies.${randomUUID().slice(0, 8)}@example.test`;
	account = (await signUp({ context, input: { name: 'Cookie', email, password: PASSWORD } }))!;
	const space = await createSpace({
		context,
		actor: { userId: account.id, via: 'web' },
		input: { name: `Cookies ${randomUUID().slice(0, 6)}` }
	});
	spaceSlug = space.slug;
}, 60_000);

afterAll(async () => {
	await Promise.all(servers.map((server) => server.stop()));
	await stopTestApp();
});

async function start(env: Record<string, string> = {}): Promise<AppServer> {
	const server = await startAppServer(env);
	servers.push(server);
	return server;
}

interface SetCookie {
	name: string;
	value: string;
	isSecure: boolean;
}

const parse = (headers: Headers): SetCookie[] =>
	headers.getSetCookie().map((header) => {
		const [pair, ...attributes] = header.split(';');
		const [name, ...value] = pair!.split('=');
		return {
			name: name!.trim(),
			value: value.join('='),
			isSecure: attributes.some((attribute) => attribute.trim().toLowerCase() === 'secure')
		};
	});

/**
 * Signs in through the sign-in form as a browser at `origin` would, with `headers` added (what
 * a proxy sets); returns the cookies set and a Cookie header to send them back with.
 */
async function signIn(server: AppServer, origin: string, headers: Record<string, string> = {}) {
	const response = await fetch(`${server.url}/signin?/password`, {
		method: 'POST',
		redirect: 'manual',
		headers: {
			origin,
			accept: 'text/html',
			'content-type': 'application/x-www-form-urlencoded',
			...headers
		},
		body: new URLSearchParams({ email: account.email, password: PASSWORD, redirectTo: '/' })
	});
	await response.body?.cancel();
	const cookies = parse(response.headers);
	const session = cookies.filter(
		(cookie) => cookie.name.includes('authjs.session-token') && cookie.value
	);
	expect(session, `no session cookie (${response.status})`).not.toEqual([]);
	const cookieHeader = session.map((cookie) => `${cookie.name}=${cookie.value}`).join('; ');
	return { session, cookieHeader };
}

/** The cookies a space page sets for whoever holds `cookieHeader`, and the status. */
async function openSpace(server: AppServer, cookieHeader: string, headers = {}) {
	const response = await fetch(`${server.url}/s/${spaceSlug}`, {
		redirect: 'manual',
		headers: { cookie: cookieHeader, accept: 'text/html', ...headers }
	});
	await response.body?.cancel();
	return { status: response.status, cookies: parse(response.headers) };
}

describe('plain http', () => {
	it('sets plain cookies, even when the client claims https in a header nobody trusts', async () => {
		const server = await start();
		const claims: Record<string, string>[] = [{}, { 'x-forwarded-proto': 'https' }];
		for (const headers of claims) {
			const { session, cookieHeader } = await signIn(server, server.url, headers);
			expect(session.map((cookie) => [cookie.name, cookie.isSecure])).toEqual([
				['authjs.session-token', false]
			]);
			const page = await openSpace(server, cookieHeader, headers);
			expect(page.status).toBe(200);
			const lastSpace = page.cookies.find((cookie) => cookie.name === LAST_SPACE_COOKIE);
			expect(lastSpace?.isSecure).toBe(false);
		}
	});
});

describe('behind a TLS proxy the deployment trusts (PROTOCOL_HEADER, HOST_HEADER)', () => {
	it('sets __Secure- session cookies and Secure app cookies, and reads them back', async () => {
		const server = await start({
			PROTOCOL_HEADER: 'x-forwarded-proto',
			HOST_HEADER: 'x-forwarded-host'
		});
		const proxy = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'roster.test' };
		const { session, cookieHeader } = await signIn(server, 'https://roster.test', proxy);
		expect(session.map((cookie) => [cookie.name, cookie.isSecure])).toEqual([
			['__Secure-authjs.session-token', true]
		]);
		const api = await fetch(`${server.url}/api/spaces`, {
			headers: { cookie: cookieHeader, ...proxy }
		});
		expect(api.status).toBe(200);
		const page = await openSpace(server, cookieHeader, proxy);
		expect(page.status).toBe(200);
		const lastSpace = page.cookies.find((cookie) => cookie.name === LAST_SPACE_COOKIE);
		expect(lastSpace?.isSecure).toBe(true);
	});
});

describe('served as https (ORIGIN)', () => {
	it('keeps cookies Secure when a header claims plain http', async () => {
		const server = await start({ ORIGIN: 'https://roster.test' });
		const { session, cookieHeader } = await signIn(server, 'https://roster.test', {
			'x-forwarded-proto': 'http'
		});
		expect(session.map((cookie) => [cookie.name, cookie.isSecure])).toEqual([
			['__Secure-authjs.session-token', true]
		]);
		const page = await openSpace(server, cookieHeader, { 'x-forwarded-proto': 'http' });
		expect(page.status).toBe(200);
		expect(page.cookies.find((cookie) => cookie.name === LAST_SPACE_COOKIE)?.isSecure).toBe(true);
	});
});
