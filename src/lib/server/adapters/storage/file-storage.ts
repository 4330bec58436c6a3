// The interface every file store implements, and the checks they share so that S3 and the
// local directory refuse exactly the same uploads.
import { AppError, AppErrorCode } from '$lib/domain/errors';
import type { FileToken } from './file-links';

export interface PresignedUpload {
	url: string;
	method: 'PUT';
	/** Headers the browser must send with the PUT; the upload is refused without them. */
	headers: Record<string, string>;
}

export interface StoredFile {
	body: Buffer;
	contentType: string;
}

/** A stored file as a stream, so a reader never holds the whole file in memory. */
export interface OpenedFile {
	stream: ReadableStream<Uint8Array>;
	size: number;
	contentType: string;
}

export interface FileStorage {
	presignUpload(input: {
		key: string;
		contentType: string;
		size: number;
		/** Other limits than the store's own (attachments): imports take larger files. */
		limits?: UploadLimits;
	}): Promise<PresignedUpload>;
	presignDownload(key: string, options?: { filename?: string }): Promise<string>;
	put(key: string, body: Buffer, contentType: string): Promise<void>;
	get(key: string): Promise<StoredFile | undefined>;
	/**
	 * Writes a file from a stream without holding it whole. `size`, when known, lets S3 take it
	 * in one PUT instead of a multipart upload.
	 */
	putStream(
		key: string,
		body: AsyncIterable<Uint8Array>,
		contentType: string,
		size?: number
	): Promise<void>;
	/** Reads a file as a stream; `undefined` when there is none. */
	open(key: string): Promise<OpenedFile | undefined>;
	delete(key: string): Promise<void>;
	/** The limits uploads are checked against unless presignUpload names others. */
	readonly limits: UploadLimits;
	/**
	 * The claims of one of this store's app links (/api/files/<token>) when its signature holds
	 * and it has not expired; else AppError Forbidden. Every upload goes through such a link.
	 */
	verifyToken(token: string): FileToken;
}

export interface UploadLimits {
	maxBytes: number;
	allowedTypes: string[];
}

/** How long a presigned URL stays usable: long enough for a slow phone upload, no longer. */
export const PRESIGN_EXPIRY_SECONDS = 15 * 60;

const KEY_PATTERN = /^[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/;
const MAX_KEY_LENGTH = 1024;

/**
 * Keys become paths on disk in the local store, so they are held to a small alphabet: no
 * leading '/', no empty or '.' segments and no '..' anywhere keeps every key inside its root.
 */
export function checkKey(key: string): void {
	const isSafe =
		typeof key === 'string' &&
		key.length <= MAX_KEY_LENGTH &&
		KEY_PATTERN.test(key) &&
		!key.includes('..') &&
		!key.split('/').includes('.');
	if (!isSafe) {
		throw new AppError(AppErrorCode.InvalidInput, 'File key is not allowed', {
			field: 'key',
			hint: 'Use letters, digits, ".", "_", "-" and "/" between non-empty segments'
		});
	}
}

/** `image/png; charset=x` and `IMAGE/PNG` both mean `image/png` for the allow-list. */
export function mediaTypeOf(contentType: string): string {
	return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

// RFC 9110 tokens: `type/subtype`, and at most a charset parameter (the one a text upload
// needs). Anything else, CR/LF above all, could break out of the header it is sent in.
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const PLAIN_CONTENT_TYPE = new RegExp(
	`^(${TOKEN}/${TOKEN})(?:[ \t]*;[ \t]*charset=(${TOKEN}))?$`,
	'i'
);

/**
 * The content type in its one normal form (`text/plain; charset=utf-8`, lower case), or null
 * when it is not a plain `type/subtype` with at most a charset.
 */
export function plainContentType(contentType: string): string | null {
	// Only spaces and tabs are trimmed: a CR or LF anywhere refuses the type.
	const match = PLAIN_CONTENT_TYPE.exec(contentType.replace(/^[ \t]+|[ \t]+$/g, ''));
	if (!match) return null;
	const [, mediaType, charset] = match;
	return charset
		? `${mediaType!.toLowerCase()}; charset=${charset.toLowerCase()}`
		: mediaType!.toLowerCase();
}

/** What a stored file is served as: its own type when it is plain, else opaque bytes. */
export function servableContentType(contentType: string | undefined): string {
	return plainContentType(contentType ?? '') ?? 'application/octet-stream';
}

/**
 * Refuses an upload the limits do not allow; returns its content type in normal form, the one
 * the upload link is then made for.
 */
export function checkUpload(
	input: { key: string; contentType: string; size: number },
	limits: UploadLimits
): string {
	checkKey(input.key);
	const contentType = plainContentType(input.contentType);
	if (contentType === null) {
		throw new AppError(
			AppErrorCode.InvalidInput,
			'contentType: must be one media type such as image/png, with at most a charset',
			{ field: 'contentType' }
		);
	}
	if (!Number.isInteger(input.size) || input.size < 0) {
		throw new AppError(AppErrorCode.InvalidInput, 'File size must be a whole number of bytes', {
			field: 'size'
		});
	}
	if (input.size > limits.maxBytes) {
		throw new AppError(
			AppErrorCode.TooLarge,
			`File is larger than the limit of ${limits.maxBytes} bytes`,
			{ field: 'size', details: { maxBytes: limits.maxBytes } }
		);
	}
	const allowed = limits.allowedTypes.map(mediaTypeOf);
	if (!allowed.includes(mediaTypeOf(contentType))) {
		throw new AppError(AppErrorCode.InvalidInput, `Files of type ${contentType} are not allowed`, {
			field: 'contentType',
			details: { allowedTypes: limits.allowedTypes }
		});
	}
	return contentType;
}

/**
 * `attachment` with both an ASCII fallback and the RFC 6266 UTF-8 form, so names with accents
 * survive and quotes or newlines in a name cannot break out of the header.
 */
export function contentDisposition(filename: string | undefined): string {
	if (filename === undefined) return 'inline';
	const fallback = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
	const encoded = encodeURIComponent(filename).replace(
		/['()*]/g,
		(character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`
	);
	return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
