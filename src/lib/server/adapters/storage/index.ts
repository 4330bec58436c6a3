// Files: an S3 bucket when S3_ENDPOINT is set, a directory under DATA_DIR otherwise, behind the
// same FileStorage interface.
import path from 'node:path';
import type { Config } from '$lib/server/config';
import { createLocalStorage, type LocalFileStorage } from './local';
import { createS3Storage, type S3FileStorage } from './s3';

export type { FileStorage, PresignedUpload, StoredFile, UploadLimits } from './file-storage';
export { checkKey, checkUpload, PRESIGN_EXPIRY_SECONDS } from './file-storage';
export type { FileToken, LocalFileStorage, LocalStorageOptions } from './local';
export { createLocalStorage } from './local';
export type { S3FileStorage, S3StorageOptions } from './s3';
export { createS3Storage } from './s3';
export type { LocalFileRequest } from './local-file-request';
export { handleLocalFileRequest, isLocalStorage } from './local-file-request';

/** `kind` tells the two apart: only S3 has a bucket to ensure at start. */
export type AppFileStorage = S3FileStorage | LocalFileStorage;

/** `secret` signs the local store's URLs (AUTH_SECRET); S3 signs its own. */
export function createStorage(config: Config, secret: string): AppFileStorage {
	const limits = { maxBytes: config.UPLOAD_MAX_BYTES, allowedTypes: config.UPLOAD_ALLOWED_TYPES };
	if (config.s3) {
		return createS3Storage({ ...config.s3, region: config.S3_REGION, ...limits });
	}
	return createLocalStorage({
		dir: path.join(config.dataDir, 'files'),
		secret,
		publicBaseUrl: config.ORIGIN,
		...limits
	});
}
