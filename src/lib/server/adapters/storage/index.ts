// Files: an S3 bucket when S3_ENDPOINT is set, a directory under DATA_DIR otherwise, behind the
// same FileStorage interface.
import path from 'node:path';
import type { Config } from '$lib/server/config';
import { createLocalStorage, type LocalFileStorage } from './local';
import { createS3Storage, type S3FileStorage } from './s3';

export type { FileStorage, PresignedUpload, StoredFile, UploadLimits } from './file-storage';
export { checkKey, checkUpload, PRESIGN_EXPIRY_SECONDS } from './file-storage';
export type { FileToken } from './file-links';
export type { LocalFileStorage, LocalStorageOptions } from './local';
export { createLocalStorage } from './local';
export type { S3FileStorage, S3StorageOptions } from './s3';
export { createS3Storage } from './s3';
export type { FileRequest } from './file-request';
export { handleFileRequest } from './file-request';
export type { UploadGrants } from './upload-grants';
export { createPostgresUploadGrants } from './upload-grants';

/** `kind` tells the two apart: only S3 has a bucket to ensure at start. */
export type AppFileStorage = S3FileStorage | LocalFileStorage;

/** `secret` signs the app's file links (AUTH_SECRET): every upload link, local downloads. */
export function createStorage(config: Config, secret: string): AppFileStorage {
	const limits = { maxBytes: config.UPLOAD_MAX_BYTES, allowedTypes: config.UPLOAD_ALLOWED_TYPES };
	const links = { secret, publicBaseUrl: config.ORIGIN };
	if (config.s3) {
		return createS3Storage({ ...config.s3, region: config.S3_REGION, ...limits, ...links });
	}
	return createLocalStorage({ dir: path.join(config.dataDir, 'files'), ...limits, ...links });
}
