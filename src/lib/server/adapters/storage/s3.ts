// Files in an S3-compatible bucket (MinIO, AWS, s3rver in tests) through the minio client.
import { Client, S3Error } from 'minio';
import { Readable } from 'node:stream';
import { createFileLinks, type FileLinkOptions } from './file-links';
import {
	checkKey,
	checkUpload,
	contentDisposition,
	PRESIGN_EXPIRY_SECONDS,
	type FileStorage,
	type UploadLimits
} from './file-storage';

export interface S3StorageOptions extends UploadLimits, FileLinkOptions {
	endpoint: string;
	bucket: string;
	accessKey: string;
	secretKey: string;
	region: string;
}

export interface S3FileStorage extends FileStorage {
	readonly kind: 's3';
	/** Creates the bucket when it does not exist yet; call once at start. */
	ensureBucket(): Promise<void>;
}

const isMissing = (error: unknown) =>
	error instanceof S3Error && (error.code === 'NoSuchKey' || error.code === 'NotFound');

async function readAll(stream: Readable): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
	return Buffer.concat(chunks);
}

export function createS3Storage(options: S3StorageOptions): S3FileStorage {
	const url = new URL(options.endpoint);
	const useSSL = url.protocol === 'https:';
	const client = new Client({
		endPoint: url.hostname,
		port: url.port ? Number(url.port) : useSSL ? 443 : 80,
		useSSL,
		accessKey: options.accessKey,
		secretKey: options.secretKey,
		// Naming the region saves a bucket-location lookup before every presign.
		region: options.region,
		pathStyle: true
	});
	const { bucket } = options;
	const links = createFileLinks(options);

	return {
		kind: 's3',
		limits: { maxBytes: options.maxBytes, allowedTypes: options.allowedTypes },
		verifyToken: links.verify,
		async ensureBucket() {
			if (!(await client.bucketExists(bucket))) await client.makeBucket(bucket, options.region);
		},
		async presignUpload(input) {
			const contentType = checkUpload(input, input.limits ?? options);
			// Uploads go through the app (/api/files/<token>), which streams them on to the bucket.
			// An S3 presigned PUT signs only the host: the browser could send any type or size,
			// and reuse the URL to overwrite the file for its whole life. The app's link is single
			// use (upload-grants.ts) and holds the body to the declared size and type.
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
			const responseHeaders: Record<string, string> =
				downloadOptions.filename === undefined
					? {}
					: { 'response-content-disposition': contentDisposition(downloadOptions.filename) };
			return client.presignedGetObject(bucket, key, PRESIGN_EXPIRY_SECONDS, responseHeaders);
		},
		async put(key, body, contentType) {
			checkKey(key);
			await client.putObject(bucket, key, body, body.length, { 'Content-Type': contentType });
		},
		async get(key) {
			checkKey(key);
			try {
				const stat = await client.statObject(bucket, key);
				const body = await readAll(await client.getObject(bucket, key));
				const contentType = String(stat.metaData['content-type'] ?? 'application/octet-stream');
				return { body, contentType };
			} catch (error) {
				if (isMissing(error)) return undefined;
				throw error;
			}
		},
		async putStream(key, body, contentType, size) {
			checkKey(key);
			await client.putObject(bucket, key, Readable.from(body), size, {
				'Content-Type': contentType
			});
		},
		async open(key) {
			checkKey(key);
			try {
				const stat = await client.statObject(bucket, key);
				const body = await client.getObject(bucket, key);
				return {
					stream: Readable.toWeb(body) as ReadableStream<Uint8Array>,
					size: stat.size,
					contentType: String(stat.metaData['content-type'] ?? 'application/octet-stream')
				};
			} catch (error) {
				if (isMissing(error)) return undefined;
				throw error;
			}
		},
		async delete(key) {
			checkKey(key);
			await client.removeObject(bucket, key);
		}
	};
}
