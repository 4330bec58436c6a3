// Files in a directory (DATA_DIR/files by default) for machines without S3. Presigned URLs
// point at the app's own /api/files/<token> route, so the browser flow matches S3: PUT to the
// presigned URL, later GET another.
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import { createFileLinks, type FileLinkOptions } from './file-links';
import { checkKey, checkUpload, type FileStorage, type UploadLimits } from './file-storage';

export type { OpenedFile } from './file-storage';

export interface LocalStorageOptions extends UploadLimits, FileLinkOptions {
	dir: string;
}

export interface LocalFileStorage extends FileStorage {
	readonly kind: 'local';
}

export function createLocalStorage(options: LocalStorageOptions): LocalFileStorage {
	const root = path.resolve(options.dir);
	const links = createFileLinks(options);

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
			const contentType = checkUpload(input, input.limits ?? options);
			const url = links.issue({
				key: input.key,
				method: 'PUT',
				contentType,
				maxBytes: input.size
			});
			return { url, method: 'PUT', headers: { 'Content-Type': contentType } };
		},

		async presignDownload(key, downloadOptions = {}) {
			checkKey(key);
			return links.issue({ key, method: 'GET', filename: downloadOptions.filename });
		},

		verifyToken: links.verify,

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
