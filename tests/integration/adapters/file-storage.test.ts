// One contract for file storage, run over the local directory store and over S3 (s3rver on
// loopback, started here). Uploads and downloads go through the presigned URLs as a browser
// would: the /api/files handler for the app's links (every upload, local downloads), fetch for
// S3's own download URLs. Upload links are used up in the test database's upload_grants.
import { createHmac, hkdfSync } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import {
	createLocalStorage,
	createS3Storage,
	handleFileRequest,
	type FileStorage,
	type LocalFileStorage,
	type UploadGrants
} from '$lib/server/adapters/storage';
import { bootTestApp, stopTestApp } from '../../support/app';
import { startS3Server } from '../../support/s3-server';

const LIMITS = { maxBytes: 1024, allowedTypes: ['image/png', 'text/plain', 'application/pdf'] };
const LINKS = { secret: 'test-secret' };

let grants: UploadGrants;

/** Signs a token payload the way the app signs its links (file-links.ts), to forge old ones. */
const createHmacToken = (payload: string) =>
	createHmac(
		'sha256',
		Buffer.from(hkdfSync('sha256', LINKS.secret, '', 'roster local file token', 32))
	)
		.update(payload)
		.digest('base64url');

beforeAll(async () => {
	grants = (await bootTestApp()).uploadGrants;
}, 120_000);

afterAll(async () => {
	await stopTestApp();
});

type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

interface StorageFixture {
	storage: FileStorage;
	/** Sends a request to a presigned URL the way a browser would reach it. */
	send: Fetch;
	close(): Promise<void>;
}

/**
 * What the /api/files/[token] route does with a request, without a running server; any other
 * URL (an S3 download) is fetched.
 */
function appRoute(storage: FileStorage): Fetch {
	return async (url, init) => {
		const request = new Request(new URL(url, 'http://roster.test'), init);
		const prefix = '/api/files/';
		const { pathname } = new URL(request.url);
		if (!pathname.startsWith(prefix)) return fetch(url, init);
		return handleFileRequest({
			storage,
			grants,
			token: decodeURIComponent(pathname.slice(prefix.length)),
			method: request.method,
			body: request.body,
			contentType: request.headers.get('content-type'),
			// A browser sends the length of a body it holds; a Request made here does not.
			contentLength:
				typeof init?.body === 'string' || init?.body instanceof Uint8Array
					? String(Buffer.byteLength(init.body))
					: null
		});
	};
}

async function localFixture(
	now?: () => number
): Promise<StorageFixture & { storage: LocalFileStorage; dir: string }> {
	const dir = await mkdtemp(path.join(os.tmpdir(), 'roster-files-'));
	const storage = createLocalStorage({ dir, ...LINKS, now, ...LIMITS });
	return {
		storage,
		dir,
		send: appRoute(storage),
		close: () => rm(dir, { recursive: true, force: true })
	};
}

const implementations: { name: string; setup(): Promise<StorageFixture> }[] = [
	{ name: 'local', setup: () => localFixture() },
	{
		name: 's3',
		async setup() {
			const server = await startS3Server();
			const storage = createS3Storage({
				endpoint: server.endpoint,
				bucket: 'roster-test',
				accessKey: server.accessKey,
				secretKey: server.secretKey,
				region: 'us-east-1',
				...LINKS,
				...LIMITS
			});
			await storage.ensureBucket();
			// A second call finds the bucket and leaves it be, as every restart of the app does.
			await storage.ensureBucket();
			return { storage, send: appRoute(storage), close: () => server.stop() };
		}
	}
];

async function rejection(promise: Promise<unknown>): Promise<AppError> {
	const error = await promise.then(
		() => undefined,
		(reason: unknown) => reason
	);
	expect(error).toBeInstanceOf(AppError);
	return error as AppError;
}

const bytes = (text: string) => Buffer.from(text, 'utf8');

const UNSAFE_KEYS = [
	'../escape.txt',
	'spaces/../../escape.txt',
	'/etc/passwd',
	'spaces//double.txt',
	'spaces/./dot.txt',
	'spaces/trailing/',
	'with space.txt',
	'naïve.txt',
	'back\\slash.txt',
	''
];

describe.each(implementations)('$name file storage', ({ setup }) => {
	let fixture: StorageFixture;

	beforeAll(async () => {
		fixture = await setup();
	});

	afterAll(async () => {
		await fixture?.close();
	});

	it('stores, returns and deletes a file with its content type', async () => {
		const { storage } = fixture;
		const key = 'spaces/1/files/notes.txt';
		await storage.put(key, bytes('first'), 'text/plain');
		await storage.put(key, bytes('second version'), 'text/plain');

		const stored = await storage.get(key);
		expect(stored?.body.toString('utf8')).toBe('second version');
		expect(stored?.contentType).toBe('text/plain');

		await storage.delete(key);
		expect(await storage.get(key)).toBeUndefined();
		await expect(storage.delete(key)).resolves.toBeUndefined();
	});

	it('returns undefined for a file never stored', async () => {
		expect(await fixture.storage.get('spaces/1/files/never.png')).toBeUndefined();
	});

	it('takes an upload through the presigned PUT and serves it through the presigned GET', async () => {
		const { storage, send } = fixture;
		const key = 'spaces/1/files/photo.png';
		const content = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 1, 2, 255]);

		const upload = await storage.presignUpload({
			key,
			contentType: 'image/png',
			size: content.length
		});
		expect(upload.method).toBe('PUT');
		const put = await send(upload.url, {
			method: upload.method,
			headers: upload.headers,
			body: content
		});
		expect(put.ok).toBe(true);
		expect((await storage.get(key))?.body.equals(content)).toBe(true);

		const download = await send(await storage.presignDownload(key));
		expect(download.status).toBe(200);
		expect(download.headers.get('content-type')).toBe('image/png');
		expect(Buffer.from(await download.arrayBuffer()).equals(content)).toBe(true);
	});

	it('takes one upload per link: a second PUT is refused with 409 and the file stays', async () => {
		const { storage, send } = fixture;
		const key = 'spaces/1/files/once.txt';
		const upload = await storage.presignUpload({ key, contentType: 'text/plain', size: 5 });
		const first = await send(upload.url, { method: 'PUT', headers: upload.headers, body: 'first' });
		expect(first.status).toBe(204);
		const again = await send(upload.url, { method: 'PUT', headers: upload.headers, body: 'again' });
		expect(again.status).toBe(409);
		expect(await again.json()).toMatchObject({ code: AppErrorCode.Conflict });
		expect((await storage.get(key))?.body.toString()).toBe('first');
	});

	it('lets two concurrent PUTs with one link store only one body', async () => {
		const { storage, send } = fixture;
		const key = 'spaces/1/files/race.txt';
		const upload = await storage.presignUpload({ key, contentType: 'text/plain', size: 5 });
		const statuses = await Promise.all(
			['one..', 'two..', 'three'].map(async (body) => {
				const response = await send(upload.url, { method: 'PUT', headers: upload.headers, body });
				return response.status;
			})
		);
		expect(statuses.sort()).toEqual([204, 409, 409]);
	});

	it('gives a refused upload its link back, so the browser can retry', async () => {
		const { storage, send } = fixture;
		const key = 'spaces/1/files/retry.txt';
		const upload = await storage.presignUpload({ key, contentType: 'text/plain', size: 5 });
		const tooLarge = await send(upload.url, {
			method: 'PUT',
			headers: upload.headers,
			body: 'more than five bytes'
		});
		expect(tooLarge.status).toBe(413);
		const retry = await send(upload.url, { method: 'PUT', headers: upload.headers, body: 'fifth' });
		expect(retry.status).toBe(204);
		expect((await storage.get(key))?.body.toString()).toBe('fifth');
	});

	it('names the file in the download when asked to', async () => {
		const { storage, send } = fixture;
		const key = 'spaces/1/files/cv.pdf';
		await storage.put(key, bytes('%PDF-1.7'), 'application/pdf');

		const response = await send(
			await storage.presignDownload(key, { filename: 'Résumé "final".pdf' })
		);
		expect(response.status).toBe(200);
		const disposition = response.headers.get('content-disposition') ?? '';
		expect(disposition).toMatch(/^attachment;/);
		expect(disposition).toContain(`filename*=UTF-8''R%C3%A9sum%C3%A9%20%22final%22.pdf`);
		expect(disposition).toContain('filename="R_sum_ _final_.pdf"');
		expect(await response.text()).toBe('%PDF-1.7');
	});

	it('refuses to presign a file over the size limit, naming the size', async () => {
		const error = await rejection(
			fixture.storage.presignUpload({
				key: 'spaces/1/files/big.png',
				contentType: 'image/png',
				size: LIMITS.maxBytes + 1
			})
		);
		expect(error.code).toBe(AppErrorCode.TooLarge);
		expect(error.field).toBe('size');
		await expect(
			fixture.storage.presignUpload({
				key: 'spaces/1/files/exact.png',
				contentType: 'image/png',
				size: LIMITS.maxBytes
			})
		).resolves.toMatchObject({ method: 'PUT' });
	});

	it('refuses to presign a type outside the allow-list, naming the content type', async () => {
		for (const contentType of ['text/html', 'image/svg+xml', '']) {
			const error = await rejection(
				fixture.storage.presignUpload({ key: 'spaces/1/files/page', contentType, size: 10 })
			);
			expect(error.code).toBe(AppErrorCode.InvalidInput);
			expect(error.field).toBe('contentType');
		}
	});

	it('refuses a content type that is not one plain type, naming the content type', async () => {
		for (const contentType of [
			'text/plain;\r\nX-Injected: 1',
			'text/plain\r\n',
			'text/plain; boundary=x',
			'text/plain, text/html',
			'text /plain',
			'text/plain; charset="utf-8\r\nX: 1"',
			'text/',
			'text/plain\u0000'
		]) {
			const error = await rejection(
				fixture.storage.presignUpload({ key: 'spaces/1/files/notes', contentType, size: 10 })
			);
			expect(error.code, JSON.stringify(contentType)).toBe(AppErrorCode.InvalidInput);
			expect(error.field).toBe('contentType');
		}
		const upload = await fixture.storage.presignUpload({
			key: 'spaces/1/files/notes',
			contentType: 'Text/Plain; charset=UTF-8',
			size: 10
		});
		expect(upload.headers['Content-Type']).toBe('text/plain; charset=utf-8');
	});

	it('refuses unsafe keys in every operation, naming the key', async () => {
		const { storage } = fixture;
		for (const key of UNSAFE_KEYS) {
			const attempts = [
				storage.presignUpload({ key, contentType: 'text/plain', size: 1 }),
				storage.presignDownload(key),
				storage.put(key, bytes('x'), 'text/plain'),
				storage.get(key),
				storage.delete(key)
			];
			for (const attempt of attempts) {
				const error = await rejection(attempt);
				expect(error.code, key).toBe(AppErrorCode.InvalidInput);
				expect(error.field, key).toBe('key');
			}
		}
	});
});

describe('local file links', () => {
	let clock = Date.now();
	let fixture: Awaited<ReturnType<typeof localFixture>>;

	beforeAll(async () => {
		fixture = await localFixture(() => clock);
	});

	afterAll(async () => {
		await fixture?.close();
	});

	const presignText = (key: string, size = 5) =>
		fixture.storage.presignUpload({ key, contentType: 'text/plain', size });

	async function expectRefused(response: Response, status: number, code: AppErrorCode) {
		expect(response.status).toBe(status);
		const body = (await response.json()) as { code: string; message: string };
		expect(body.code).toBe(code);
		expect(body.message).toEqual(expect.any(String));
		return body;
	}

	it('refuses a link after it expires', async () => {
		const upload = await presignText('spaces/1/files/late.txt');
		const download = await fixture.storage.presignDownload('spaces/1/files/late.txt');
		clock += 16 * 60 * 1000;
		try {
			const put = await fixture.send(upload.url, {
				method: 'PUT',
				headers: upload.headers,
				body: 'hello'
			});
			await expectRefused(put, 403, AppErrorCode.Forbidden);
			await expectRefused(await fixture.send(download), 403, AppErrorCode.Forbidden);
			expect(await fixture.storage.get('spaces/1/files/late.txt')).toBeUndefined();
		} finally {
			clock = Date.now();
		}
	});

	it('refuses a link whose claims or signature were changed', async () => {
		const upload = await presignText('spaces/1/files/mine.txt');
		const token = upload.url.split('/').pop()!;
		const [payload, signature] = token.split('.') as [string, string];

		const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
		const forgedPayload = Buffer.from(
			JSON.stringify({ ...claims, key: 'spaces/2/files/theirs.txt', maxBytes: 1024 })
		).toString('base64url');
		const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
		const otherSecret = createLocalStorage({
			dir: fixture.dir,
			secret: 'another-secret',
			...LIMITS
		});
		const foreign = (
			await otherSecret.presignUpload({
				key: 'spaces/1/files/mine.txt',
				contentType: 'text/plain',
				size: 5
			})
		).url;

		for (const url of [
			`/api/files/${forgedPayload}.${signature}`,
			`/api/files/${payload}.${flipped}`,
			`/api/files/${payload}`,
			`/api/files/not-a-token`,
			foreign
		]) {
			const response = await fixture.send(url, {
				method: 'PUT',
				headers: upload.headers,
				body: 'hello'
			});
			await expectRefused(response, 403, AppErrorCode.Forbidden);
		}
		expect(await fixture.storage.get('spaces/1/files/mine.txt')).toBeUndefined();
		expect(await fixture.storage.get('spaces/2/files/theirs.txt')).toBeUndefined();
	});

	it('refuses a download link used to upload, and the reverse', async () => {
		const key = 'spaces/1/files/swap.txt';
		await fixture.storage.put(key, bytes('original'), 'text/plain');
		const download = await fixture.storage.presignDownload(key);
		const put = await fixture.send(download, {
			method: 'PUT',
			headers: { 'Content-Type': 'text/plain' },
			body: 'overwritten'
		});
		await expectRefused(put, 403, AppErrorCode.Forbidden);
		expect((await fixture.storage.get(key))?.body.toString()).toBe('original');

		const upload = await presignText(key);
		await expectRefused(await fixture.send(upload.url), 403, AppErrorCode.Forbidden);
	});

	it('refuses an upload of another content type than the link was made for', async () => {
		const upload = await presignText('spaces/1/files/typed.txt');
		const response = await fixture.send(upload.url, {
			method: 'PUT',
			headers: { 'Content-Type': 'text/html' },
			body: '<b>x</b>'
		});
		const body = await expectRefused(response, 403, AppErrorCode.Forbidden);
		expect(body).toMatchObject({ field: 'contentType' });
		expect(await fixture.storage.get('spaces/1/files/typed.txt')).toBeUndefined();
	});

	it('refuses a body larger than the size the link was made for, storing nothing', async () => {
		const upload = await presignText('spaces/1/files/grown.txt', 5);
		const response = await fixture.send(upload.url, {
			method: 'PUT',
			headers: upload.headers,
			body: 'more than five bytes'
		});
		const body = await expectRefused(response, 413, AppErrorCode.TooLarge);
		expect(body).toMatchObject({ field: 'size' });
		expect(await fixture.storage.get('spaces/1/files/grown.txt')).toBeUndefined();
	});

	it('serves a file stored with an unusable content type as application/octet-stream', async () => {
		const key = 'spaces/1/files/injected.txt';
		await fixture.storage.put(key, bytes('plain'), 'text/plain;\r\nX-Injected: 1');
		const response = await fixture.send(await fixture.storage.presignDownload(key));
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('application/octet-stream');
		expect(response.headers.get('x-injected')).toBeNull();
		expect(await response.text()).toBe('plain');
	});

	it('gives the link back when a body without a length turns out too large mid-stream', async () => {
		const upload = await presignText('spaces/1/files/streamed.txt', 5);
		const chunks = [bytes('more than '), bytes('five bytes')];
		const body = new ReadableStream<Uint8Array>({
			pull(controller) {
				const chunk = chunks.shift();
				if (chunk) controller.enqueue(chunk);
				else controller.close();
			}
		});
		const init = { method: 'PUT', headers: upload.headers, body, duplex: 'half' };
		await expectRefused(await fixture.send(upload.url, init), 413, AppErrorCode.TooLarge);
		const retry = await fixture.send(upload.url, {
			method: 'PUT',
			headers: upload.headers,
			body: 'fifth'
		});
		expect(retry.status).toBe(204);
		expect((await fixture.storage.get('spaces/1/files/streamed.txt'))?.body.toString()).toBe(
			'fifth'
		);
	});

	it('answers 404 for a valid link to a file that is not there', async () => {
		const download = await fixture.storage.presignDownload('spaces/1/files/gone.txt');
		await expectRefused(await fixture.send(download), 404, AppErrorCode.NotFound);
	});

	it('keeps every file inside its directory and leaves no temporary files behind', async () => {
		await fixture.storage.put('spaces/9/files/kept.txt', bytes('kept'), 'text/plain');
		const entries = await readdir(fixture.dir, { recursive: true });
		expect(entries).toContain(path.join('objects', 'spaces', '9', 'files', 'kept.txt'));
		expect(await readdir(path.join(fixture.dir, 'tmp'))).toEqual([]);
	});

	it('refuses an upload link signed before links were single use (no grant)', async () => {
		const upload = await presignText('spaces/1/files/old.txt');
		const [payload] = upload.url.split('/').pop()!.split('.') as [string];
		const { grant: _grant, ...claims } = JSON.parse(Buffer.from(payload, 'base64url').toString());
		const old = Buffer.from(JSON.stringify(claims)).toString('base64url');
		const signed = createHmacToken(old);
		const response = await fixture.send(`/api/files/${old}.${signed}`, {
			method: 'PUT',
			headers: upload.headers,
			body: 'hello'
		});
		await expectRefused(response, 403, AppErrorCode.Forbidden);
	});
});
