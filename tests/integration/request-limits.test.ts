// Request bodies against the built server: a signed upload streams past adapter-node's 512 KB
// default up to its own limit (an import's file is megabytes), while every other body is held
// to the app's limit with a coded 413, or a 411 when it does not say its length.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '$lib/server/auth/api-tokens';
import type { AppContext } from '$lib/server/context';
import { createEntityType } from '$lib/server/services/entity-types';
import { bootTestApp, createSpace, createUser, stopTestApp } from '../support/app';
import { startAppServer, type AppServer } from '../support/server';

let context: AppContext;
let server: AppServer;
let token = '';
let slug = '';

beforeAll(async () => {
	context = await bootTestApp();
	const owner = await createUser(context, 'Limits Owner');
	slug = (await createSpace(context, owner, 'Limits')).slug;
	await createEntityType({ context, actor: owner.actor, space: slug, input: { name: 'Guests' } });
	token = (
		await createApiToken({
			context,
			actor: { ...owner.actor, via: 'web' },
			space: slug,
			input: { name: 'limits', role: 'owner' }
		})
	).secret;
	server = await startAppServer();
}, 180_000);

afterAll(async () => {
	await server?.stop();
	await stopTestApp();
});

const api = (path: string, init: RequestInit = {}) =>
	fetch(`${server.url}/api/spaces/${slug}${path}`, {
		...init,
		headers: { authorization: `Bearer ${token}`, ...init.headers }
	});

describe('request bodies', () => {
	it('streams a 3 MB import file to its presigned local upload', async () => {
		const line = 'Guest,guest@example.com,' + 'x'.repeat(40) + '\n';
		const csv = 'Name,Email,Notes\n' + line.repeat(Math.ceil((3 * 1024 * 1024) / line.length));
		const created = await api('/types/guests/imports', {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ name: 'guests.csv', size: Buffer.byteLength(csv) })
		});
		expect(created.status).toBe(201);
		const { upload } = (await created.json()) as {
			upload: { url: string; headers: Record<string, string> };
		};
		const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: csv });
		expect(put.status).toBe(204);
	});

	it('refuses a JSON body over the limit with a coded 413', async () => {
		const response = await api('/rest/guests', {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ name: 'x'.repeat(11 * 1024 * 1024) })
		});
		expect(response.status).toBe(413);
		expect(await response.json()).toMatchObject({ code: 'TOO_LARGE', field: 'body' });
	});
});
