// Files in an S3-compatible bucket (MinIO, AWS, s3rver in tests) through the minio client.
import { Client, S3Error } from 'minio';
import { Readable } from 'node:stream';
import {
	checkKey,
	checkUpload,
	contentDisposition,
	PRESIGN_EXPIRY_SECONDS,
	type FileStorage,
	type UploadLimits
} from './file-storage';

export interface S3StorageOptions extends UploadLimits {
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

	return {
		kind: 's3',
		async ensureBucket() {
			if (!(await client.bucketExists(bucket))) await client.makeBucket(bucket, options.region);
		},
		async presignUpload(input) {
			checkUpload(input, input.limits ?? options);
			// S3 presigned PUTs sign only the host, so the size and type checked here are what the
			// browser declared; the object's stored Content-Type is whatever it sends.
			const url = await client.presignedPutObject(bucket, input.key, PRESIGN_EXPIRY_SECONDS);
			return { url, method: 'PUT', headers: { 'Content-Type': input.contentType } };
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
		async putStream(key, body, contentType) {
			checkKey(key);
			await client.putObject(bucket, key, Readable.from(body), undefined, {
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
