// Upload links against the built server, over the local store and over S3 (s3rver): a presign
// takes only a plain content type, and a link uploads once. A leaked or logged link must not be
// able to overwrite the file later, and a file must always download.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '$lib/server/auth/api-tokens';
import type { AppContext } from '$lib/server/context';
import { randomUUID } from 'node:crypto';
import { bootTestApp, createSpace, createUser, runtimeClient, stopTestApp } from '../support/app';
import { startS3Server, type S3Server } from '../support/s3-server';
import { startAppServer, type AppServer } from '../support/server';

let context: AppContext;
let token = '';
let slug = '';
let s3: S3Server;

beforeAll(async () => {
	context = await bootTestApp();
	const owner = await createUser(context, 'Upload Owner');
	slug = (await createSpace(context, owner, 'Uploads')).slug;
	token = (
		await createApiToken({
			context,
			actor: { ...owner.actor, via: 'web' },
			space: slug,
			input: { name: 'uploads', role: 'owner' }
		})
	).secret;
	s3 = await startS3Server();
}, 180_000);

afterAll(async () => {
	await s3?.stop();
	await stopTestApp();
});

interface Presigned {
	key: string;
	upload: { url: string; method: 'PUT'; headers: Record<string, string> };
}

const stores = [
	{ name: 'local', env: (): Record<string, string> => ({}) },
	{
		name: 's3',
		env: (): Record<string, string> => ({
			S3_ENDPOINT: s3.endpoint,
			S3_BUCKET: 'roster-uploads',
			S3_ACCESS_KEY: s3.accessKey,
			S3_SECRET_KEY: s3.secretKey
		})
	}
];

describe.each(stores)('$name upload links', ({ env }) => {
	let server: AppServer;

	beforeAll(async () => {
		server = await startAppServer(env());
	}, 120_000);

	afterAll(async () => {
		await server?.stop();
	});

	const api = (path: string, init: RequestInit = {}) =>
		fetch(`${server.url}/api/spaces/${slug}${path}`, {
			...init,
			headers: {
				authorization: `Bearer ${token}`,
				'content-type': 'application/json',
				...init.headers
			}
		});

	async function presign(input: { name: string; size: number; contentType: string }) {
		const response = await api('/files', { method: 'POST', body: JSON.stringify(input) });
		return { response, body: (await response.json()) as Presigned & { field?: string } };
	}

	// A browser's PUT names its origin (SvelteKit refuses a text/plain PUT from elsewhere).
	const put = (presigned: Presigned, body: string) =>
		fetch(presigned.upload.url, {
			method: 'PUT',
			headers: { ...presigned.upload.headers, origin: server.url },
			body
		});

	const download = (key: string) => api(`/files/download?key=${encodeURIComponent(key)}`);

	it('refuses a content type that smuggles a header, naming contentType', async () => {
		const { response, body } = await presign({
			name: 'notes.txt',
			size: 5,
			contentType: 'text/plain;\r\nX-Injected: 1'
		});
		expect(response.status).toBe(400);
		expect(body).toMatchObject({ code: 'INVALID_INPUT', field: 'contentType' });
	});

	it('uploads once per link: a second PUT is refused with a code and the file stays', async () => {
		const { response, body: presigned } = await presign({
			name: 'once.txt',
			size: 5,
			contentType: 'text/plain'
		});
		expect(response.status).toBe(201);
		expect((await put(presigned, 'first')).ok).toBe(true);

		const again = await put(presigned, 'again');
		expect([409, 410]).toContain(again.status);
		expect(((await again.json()) as { code?: string }).code).toEqual(expect.any(String));

		const file = await download(presigned.key);
		expect(file.status).toBe(200);
		expect(file.headers.get('content-type')).toMatch(/^text\/plain/);
		expect(await file.text()).toBe('first');
	});

	it('leaves a link usable after an upload it refused', async () => {
		const { body: presigned } = await presign({
			name: 'retry.txt',
			size: 5,
			contentType: 'text/plain'
		});
		const tooLarge = await put(presigned, 'more than five bytes');
		expect(tooLarge.status).toBe(413);
		expect((await put(presigned, 'fifth')).ok).toBe(true);
		expect(await (await download(presigned.key)).text()).toBe('fifth');
	});
});

describe('upload grants in the database', () => {
	it('are reached by the runtime role only through the claim and release functions', async () => {
		const client = await runtimeClient(context);
		try {
			const grant = randomUUID();
			const expires = new Date(Date.now() + 60_000);
			const claim = () =>
				client.query<{ claimed: boolean }>('select app_claim_upload_grant($1, $2) as claimed', [
					grant,
					expires
				]);
			expect((await claim()).rows[0]!.claimed).toBe(true);
			expect((await claim()).rows[0]!.claimed).toBe(false);
			// Neither a list of grants nor a forged "unused" state by hand.
			const read = await client.query('select * from upload_grants').catch((error) => error);
			expect(read.rows ?? []).toEqual([]);
			const removal = await client
				.query('delete from upload_grants where id = $1 returning id', [grant])
				.catch((error) => error);
			expect(removal.rows ?? []).toEqual([]);
			expect((await claim()).rows[0]!.claimed).toBe(false);
		} finally {
			await client.end();
		}
	});
});
