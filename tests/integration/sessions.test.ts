// Sessions end on the server: against the built app (`node server.js`), a session cookie copied
// before signing out, "sign out everywhere" or a password change stops working at once, over
// HTTP and on an open socket, and a removed member loses the space at once.
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp } from '$lib/server/auth/users';
import type { AppContext } from '$lib/server/context';
import { WebSocket } from 'ws';
import { createEntityType } from '$lib/server/services/entity-types';
import { removeMember } from '$lib/server/services/members';
import { createRecords } from '$lib/server/services/records';
import { createSpace as createSpaceService } from '$lib/server/services/spaces';
import { addMember, bootTestApp, stopTestApp, type TestUser } from '../support/app';
import { startAppServer, type AppServer } from '../support/server';
import { SseReader } from '../support/sse';

let context: AppContext;
let server: AppServer;

beforeAll(async () => {
	context = await bootTestApp();
	server = await startAppServer();
}, 120_000);

afterAll(async () => {
	await server?.stop();
	await stopTestApp();
});

const PASSWORD = 'correct-horse-battery';

async function newAccount(name = 'Session User') {
	const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${randomUUID().slice(0, 8)}@example.test`;
	const user = (await signUp({ context, input: { name, email, password: PASSWORD } }))!;
	return { ...user, actor: { userId: user.id, via: 'web' as const } };
}

/** Signs in through the sign-in page's form; returns the session cookie as a Cookie header. */
async function signIn(
	email: string,
	password = PASSWORD,
	device = 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0'
) {
	const response = await fetch(`${server.url}/signin?/password`, {
		method: 'POST',
		redirect: 'manual',
		headers: {
			origin: server.url,
			accept: 'text/html',
			'content-type': 'application/x-www-form-urlencoded',
			'user-agent': device
		},
		body: new URLSearchParams({ email, password, redirectTo: '/' })
	});
	const cookie = response.headers
		.getSetCookie()
		.map((header) => header.split(';')[0]!)
		.filter((pair) => pair.includes('authjs.session-token=') && !pair.endsWith('='))
		.join('; ');
	// On failure, what the server said helps more than the status alone.
	expect(
		cookie,
		`no session cookie (${response.status}): ${server.output().slice(-1500)}`
	).not.toBe('');
	return cookie;
}

/** The status of the JSON API as whoever holds `cookie`. */
async function apiStatus(cookie: string, path = '/api/spaces'): Promise<number> {
	const response = await fetch(server.url + path, { headers: { cookie } });
	await response.body?.cancel();
	return response.status;
}

/** Posts a form action as a page's `use:enhance` would; returns the status and the action's answer. */
async function action(cookie: string, path: string, form: Record<string, string> = {}) {
	const response = await fetch(server.url + path, {
		method: 'POST',
		redirect: 'manual',
		headers: {
			cookie,
			origin: server.url,
			accept: 'application/json',
			'x-sveltekit-action': 'true',
			'content-type': 'application/x-www-form-urlencoded'
		},
		body: new URLSearchParams(form)
	});
	const body = (await response.json()) as { type: string; status?: number; data?: string };
	return { status: body.status ?? response.status, type: body.type, data: body.data ?? '' };
}

async function signOut(cookie: string): Promise<void> {
	const response = await fetch(`${server.url}/signout`, {
		method: 'POST',
		redirect: 'manual',
		headers: {
			cookie,
			origin: server.url,
			accept: 'text/html',
			'content-type': 'application/x-www-form-urlencoded'
		},
		body: ''
	});
	await response.body?.cancel();
	expect(response.status).toBeGreaterThanOrEqual(300);
	expect(response.status).toBeLessThan(400);
}

function connectSocket(cookie: string): Socket {
	return io(server.url, {
		transports: ['websocket'],
		extraHeaders: { cookie },
		reconnection: false,
		forceNew: true
	});
}

/** Resolves with 'connect' or the refusal's message. */
function outcome(socket: Socket): Promise<string> {
	return new Promise((resolve) => {
		socket.once('connect', () => resolve('connect'));
		socket.once('connect_error', (error) => resolve(`refused: ${error.message}`));
	});
}

/** Why the server dropped the socket, or 'still connected' after `ms`. */
const disconnection = (socket: Socket, ms = 5_000) =>
	new Promise<string>((resolve) => {
		const timer = setTimeout(() => resolve('still connected'), ms);
		socket.once('disconnect', (reason) => {
			clearTimeout(timer);
			resolve(reason);
		});
	});

describe('signing out', () => {
	it('ends the session for a copy of its cookie too', async () => {
		const user = await newAccount();
		const cookie = await signIn(user.email);
		const copied = cookie;
		expect(await apiStatus(copied)).toBe(200);
		await signOut(cookie);
		expect(await apiStatus(copied)).toBe(401);
		// A page asks to sign in again instead of showing the app.
		const page = await fetch(server.url + '/', { headers: { cookie: copied }, redirect: 'manual' });
		expect(page.status).toBe(303);
		expect(page.headers.get('location')).toMatch(/^\/signin/);
	});

	it('leaves the same person’s other sessions alone', async () => {
		const user = await newAccount();
		const laptop = await signIn(user.email);
		const phone = await signIn(user.email);
		await signOut(laptop);
		expect(await apiStatus(laptop)).toBe(401);
		expect(await apiStatus(phone)).toBe(200);
	});

	it('"sign out everywhere" ends every session of the account', async () => {
		const user = await newAccount();
		const laptop = await signIn(user.email);
		const phone = await signIn(user.email);
		const other = await newAccount('Bystander');
		const bystander = await signIn(other.email);
		const result = await action(laptop, '/account?/endAllSessions');
		expect(result.type).toBe('redirect');
		expect(await apiStatus(laptop)).toBe(401);
		expect(await apiStatus(phone)).toBe(401);
		expect(await apiStatus(bystander)).toBe(200);
	});

	it('ends one chosen session from the account page, and only one of your own', async () => {
		const user = await newAccount();
		const laptop = await signIn(user.email, PASSWORD, 'Mozilla/5.0 (Macintosh) Safari/605.1.15');
		const phone = await signIn(user.email, PASSWORD, 'Mozilla/5.0 (iPhone) Mobile Safari/604.1');
		const page = await fetch(server.url + '/account/__data.json', { headers: { cookie: laptop } });
		const text = await page.text();
		expect(text, server.output().slice(-1500)).toContain('Safari on iPhone');
		expect(text).toContain('Safari on macOS');
		const { rows } = await context.db.owner.query<{ id: string }>(
			`select id from sessions where user_id = $1 and device = 'Safari on iPhone'`,
			[user.id]
		);
		const phoneSession = rows[0]!.id;

		const other = await newAccount('Stranger');
		const stranger = await signIn(other.email);
		const refused = await action(stranger, '/account?/endSession', { id: phoneSession });
		expect(refused.status).toBe(404);
		expect(await apiStatus(phone)).toBe(200);

		const malformed = await action(laptop, '/account?/endSession', { id: 'not-a-uuid' });
		expect(malformed.status).toBe(400);
		expect(malformed.data).toContain('id');

		const ended = await action(laptop, '/account?/endSession', { id: phoneSession });
		expect(ended.type).toBe('success');
		expect(await apiStatus(phone)).toBe(401);
		expect(await apiStatus(laptop)).toBe(200);
	});
});

describe('the sign-in page', () => {
	it('refuses with 429, Retry-After and the rate-limited message once an account failed too often', async () => {
		const user = await newAccount('Guessed');
		const attempt = async (password: string) => {
			const response = await fetch(`${server.url}/signin?/password`, {
				method: 'POST',
				redirect: 'manual',
				headers: {
					origin: server.url,
					accept: 'text/html',
					'content-type': 'application/x-www-form-urlencoded'
				},
				body: new URLSearchParams({ email: user.email, password, redirectTo: '/' })
			});
			return {
				status: response.status,
				retryAfter: response.headers.get('retry-after'),
				html: await response.text()
			};
		};
		// The account's failure budget (10 by default) is spent from one address here.
		for (let guess = 0; guess < 10; guess++)
			expect((await attempt(`guess-${guess}`)).status).toBe(400);
		const refused = await attempt(PASSWORD);
		expect(refused.status).toBe(429);
		expect(Number(refused.retryAfter)).toBeGreaterThan(0);
		expect(refused.html).toContain('Too many sign-in attempts.');
	});
});

describe('changing the password', () => {
	it('ends the other sessions and keeps this one', async () => {
		const user = await newAccount();
		const here = await signIn(user.email);
		const elsewhere = await signIn(user.email);

		const wrong = await action(here, '/account?/changePassword', {
			currentPassword: 'not-my-password',
			newPassword: 'a-brand-new-password'
		});
		expect(wrong.status).toBe(400);
		expect(wrong.data).toContain('currentPassword');
		const short = await action(here, '/account?/changePassword', {
			currentPassword: PASSWORD,
			newPassword: 'short'
		});
		expect(short.status).toBe(400);
		expect(short.data).toContain('newPassword');
		expect(await apiStatus(elsewhere)).toBe(200);

		const changed = await action(here, '/account?/changePassword', {
			currentPassword: PASSWORD,
			newPassword: 'a-brand-new-password'
		});
		expect(changed.type).toBe('success');
		expect(await apiStatus(here)).toBe(200);
		expect(await apiStatus(elsewhere)).toBe(401);
		await signIn(user.email, 'a-brand-new-password');
	});
});

describe('open connections', () => {
	it('disconnects the socket of an ended session and refuses its cookie on reconnect', async () => {
		const user = await newAccount();
		const cookie = await signIn(user.email);
		const socket = connectSocket(cookie);
		try {
			expect(await outcome(socket)).toBe('connect');
			const problems: { code: string }[] = [];
			socket.on('problem', (problem: { code: string }) => problems.push(problem));
			const dropped = disconnection(socket);
			await signOut(cookie);
			// The server closed it (not a transport hiccup), saying why.
			expect(await dropped).toBe('io server disconnect');
			expect(problems.map((problem) => problem.code)).toContain('unauthorized');
		} finally {
			socket.close();
		}
		const again = connectSocket(cookie);
		try {
			expect(await outcome(again)).toMatch(/^refused/);
		} finally {
			again.close();
		}
	});

	it('ends the SSE stream and closes the y-websocket connection of an ended session', async () => {
		const user = await newAccount();
		const space = await createSpaceService({
			context,
			actor: user.actor,
			input: { name: `Streams ${randomUUID().slice(0, 6)}` }
		});
		await createEntityType({
			context,
			actor: user.actor,
			space: space.slug,
			input: { name: 'Guests' }
		});
		const created = await createRecords({
			context,
			actor: user.actor,
			space: space.slug,
			type: 'guests',
			values: [{}]
		});
		const cookie = await signIn(user.email);

		const abort = new AbortController();
		const response = await fetch(`${server.url}/api/spaces/${space.slug}/events?types=guests`, {
			headers: { cookie },
			signal: abort.signal
		});
		expect(response.status).toBe(200);
		const stream = new SseReader(response, abort);
		const socket = new WebSocket(
			`${server.url.replace('http', 'ws')}/yjs/${created.created[0]!.id}`,
			{ headers: { cookie } }
		);
		const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
		// Open and authenticated: the server speaks first (its sync step) once the doc is open.
		await new Promise((resolve, reject) => {
			socket.once('message', resolve);
			socket.once('error', reject);
		});
		const within = <T>(promise: Promise<T>, fallback: T) =>
			Promise.race([
				promise,
				new Promise<T>((resolve) => setTimeout(() => resolve(fallback), 5_000))
			]);
		try {
			await signOut(cookie);
			const streamEnded = await within(
				stream.ended.then(() => true),
				false
			);
			expect(streamEnded, 'the event stream is still open').toBe(true);
			expect(await within(closed, 0), 'the y-websocket close code').toBe(4401);
		} finally {
			abort.abort();
			socket.terminate();
		}
	});

	it('a removed member loses the space at once over HTTP', async () => {
		const owner = await newAccount('Owner');
		const member = await newAccount('Member');
		const space = await createSpaceService({
			context,
			actor: owner.actor,
			input: { name: `Sessions ${randomUUID().slice(0, 6)}` }
		});
		await addMember(context, owner as TestUser, space.id, member as TestUser, 'editor');
		const cookie = await signIn(member.email);
		expect(await apiStatus(cookie, `/api/spaces/${space.slug}/types`)).toBe(200);
		await removeMember({ context, actor: owner.actor, space: space.slug, userId: member.id });
		expect(await apiStatus(cookie, `/api/spaces/${space.slug}/types`)).toBe(404);
	});
});
