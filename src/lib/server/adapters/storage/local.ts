// Files in a directory (DATA_DIR/files by default) for machines without S3. Presigned URLs
// point at the app's own /api/files/<token> route, so the browser flow matches S3: PUT to the
// presigned URL, later GET another.
import { createHmac, hkdfSync, randomUUID, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import {
	checkKey,
	checkUpload,
	PRESIGN_EXPIRY_SECONDS,
	type FileStorage,
	type UploadLimits
} from './file-storage';

export type { OpenedFile } from './file-storage';

export interface LocalStorageOptions extends UploadLimits {
	dir: string;
	/** Signs the URL tokens; AUTH_SECRET in the app. */
	secret: string;
	/** Origin put in front of `/api/files/...`; without it the URLs are relative. */
	publicBaseUrl?: string;
	/** Milliseconds since the epoch; replaced in tests to expire tokens without waiting. */
	now?: () => number;
}

const fileToken = z.object({
	key: z.string(),
	method: z.enum(['PUT', 'GET']),
	/** Unix seconds. */
	expiresAt: z.number().int(),
	contentType: z.string().optional(),
	maxBytes: z.number().int().nonnegative().optional(),
	filename: z.string().optional()
});

export type FileToken = z.infer<typeof fileToken>;

export interface LocalFileStorage extends FileStorage {
	readonly kind: 'local';
	readonly limits: UploadLimits;
	/** The token's claims when its signature holds and it has not expired; else AppError Forbidden. */
	verifyToken(token: string): FileToken;
}

const forbidden = (message: string) => new AppError(AppErrorCode.Forbidden, message);

export function createLocalStorage(options: LocalStorageOptions): LocalFileStorage {
	const root = path.resolve(options.dir);
	const now = options.now ?? Date.now;
	// A key derived for this one purpose: a leaked file URL then says nothing about the session
	// signatures made with the same AUTH_SECRET, and vice versa.
	const signingKey = Buffer.from(
		hkdfSync('sha256', options.secret, '', 'roster local file token', 32)
	);

	const sign = (payload: string) =>
		createHmac('sha256', signingKey).update(payload).digest('base64url');

	function issueToken(claims: Omit<FileToken, 'expiresAt'>): string {
		const expiresAt = Math.floor(now() / 1000) + PRESIGN_EXPIRY_SECONDS;
		const payload = Buffer.from(JSON.stringify({ ...claims, expiresAt })).toString('base64url');
		return `${payload}.${sign(payload)}`;
	}

	const baseUrl = (options.publicBaseUrl ?? '').replace(/\/+$/, '');
	const urlOf = (token: string) => `${baseUrl}/api/files/${token}`;

	// Objects and their content types live in two parallel trees so that no key can name the
	// metadata of another; temporary files sit beside them on the same filesystem so the final
	// rename is atomic and a crashed upload never leaves half a file under a real key.
	function pathsOf(key: string) {
		checkKey(key);
		const object = path.resolve(root, 'objects', key);
		const meta = path.resolve(root, 'meta', `${key}.json`);
		// checkKey already forbids traversal; this is the second wall, at the filesystem.
		if (!object.startsWith(path.join(root, 'objects') + path.sep)) {
			throw new AppError(AppErrorCode.InvalidInput, 'File key is not allowed', { field: 'key' });
		}
		return { object, meta };
	}

	async function writeAtomically(
		target: string,
		data: Buffer | string | AsyncIterable<Uint8Array>
	): Promise<void> {
		const temporary = path.join(root, 'tmp', randomUUID());
		await mkdir(path.dirname(temporary), { recursive: true });
		await mkdir(path.dirname(target), { recursive: true });
		try {
			await writeFile(temporary, data);
			await rename(temporary, target);
		} catch (error) {
			await rm(temporary, { force: true });
			throw error;
		}
	}

	async function readContentType(metaPath: string): Promise<string | undefined> {
		try {
			const meta = JSON.parse(await readFile(metaPath, 'utf8')) as { contentType: string };
			return meta.contentType;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
			throw error;
		}
	}

	return {
		kind: 'local',
		limits: { maxBytes: options.maxBytes, allowedTypes: options.allowedTypes },

		async presignUpload(input) {
			checkUpload(input, input.limits ?? options);
			const token = issueToken({
				key: input.key,
				method: 'PUT',
				contentType: input.contentType,
				maxBytes: input.size
			});
			return { url: urlOf(token), method: 'PUT', headers: { 'Content-Type': input.contentType } };
		},

		async presignDownload(key, downloadOptions = {}) {
			checkKey(key);
			return urlOf(issueToken({ key, method: 'GET', filename: downloadOptions.filename }));
		},

		verifyToken(token) {
			const [payload, signature, ...rest] = token.split('.');
			if (!payload || !signature || rest.length > 0) throw forbidden('The file link is malformed');
			const expected = Buffer.from(sign(payload));
			const given = Buffer.from(signature);
			if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
				throw forbidden('The file link is not valid');
			}
			let claims: FileToken;
			try {
				claims = fileToken.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
			} catch {
				throw forbidden('The file link is not valid');
			}
			if (claims.expiresAt * 1000 <= now()) throw forbidden('The file link has expired');
			return claims;
		},

		async put(key, body, contentType) {
			const paths = pathsOf(key);
			// Data first, then its metadata: a reader in between sees no file rather than a file
			// with no type.
			await writeAtomically(paths.object, body);
			await writeAtomically(paths.meta, JSON.stringify({ contentType }));
		},

		async putStream(key, body, contentType) {
			const paths = pathsOf(key);
			await writeAtomically(paths.object, body);
			await writeAtomically(paths.meta, JSON.stringify({ contentType }));
		},

		async get(key) {
			const paths = pathsOf(key);
			const contentType = await readContentType(paths.meta);
			if (contentType === undefined) return undefined;
			try {
				return { body: await readFile(paths.object), contentType };
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
				throw error;
			}
		},

		async open(key) {
			const paths = pathsOf(key);
			const contentType = await readContentType(paths.meta);
			if (contentType === undefined) return undefined;
			try {
				const { size } = await stat(paths.object);
				const stream = Readable.toWeb(createReadStream(paths.object)) as ReadableStream<Uint8Array>;
				return { stream, size, contentType };
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
				throw error;
			}
		},

		async delete(key) {
			const paths = pathsOf(key);
			// Metadata first, so a concurrent reader never finds a type pointing at no data.
			await rm(paths.meta, { force: true });
			await rm(paths.object, { force: true });
		}
	};
}
