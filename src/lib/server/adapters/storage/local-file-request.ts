// Serves the presigned URLs of the local store (/api/files/<token>): the token is the whole
// authorisation, as an S3 signature is, so it is checked before anything is read or written.
import { AppError, AppErrorCode, isAppError } from '$lib/domain/errors';
import { contentDisposition, mediaTypeOf, type FileStorage } from './file-storage';
import type { LocalFileStorage } from './local';

export interface LocalFileRequest {
	storage: FileStorage;
	token: string;
	method: string;
	body: ReadableStream<Uint8Array> | null;
	/** The request's Content-Type header. */
	contentType: string | null;
}

export function isLocalStorage(storage: FileStorage): storage is LocalFileStorage {
	return (storage as Partial<LocalFileStorage>).kind === 'local';
}

const errorResponse = (error: AppError) => Response.json(error.toJSON(), { status: error.status });

/**
 * Passes on at most `limit` bytes and fails past them, so an oversized upload is refused
 * without being buffered, and the store's atomic write leaves no half file behind.
 */
async function* upTo(
	body: ReadableStream<Uint8Array> | null,
	limit: number
): AsyncGenerator<Uint8Array> {
	if (!body) return;
	const reader = body.getReader();
	let total = 0;
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) return;
			total += value.byteLength;
			if (total > limit) {
				throw new AppError(
					AppErrorCode.TooLarge,
					`File is larger than the ${limit} bytes allowed`,
					{
						field: 'size',
						details: { maxBytes: limit }
					}
				);
			}
			yield value;
		}
	} finally {
		await reader.cancel().catch(() => undefined);
	}
}

async function upload(
	storage: LocalFileStorage,
	claims: ReturnType<LocalFileStorage['verifyToken']>,
	request: LocalFileRequest
): Promise<Response> {
	// S3 would refuse a PUT whose signed headers differ; the token plays that part here.
	if (
		!claims.contentType ||
		mediaTypeOf(request.contentType ?? '') !== mediaTypeOf(claims.contentType)
	) {
		throw new AppError(
			AppErrorCode.Forbidden,
			`This upload link is for files of type ${claims.contentType ?? 'unknown'}`,
			{ field: 'contentType' }
		);
	}
	// The link was issued for this size, after the checks of the limits that apply to it.
	const limit = claims.maxBytes ?? storage.limits.maxBytes;
	await storage.putStream(claims.key, upTo(request.body, limit), claims.contentType);
	return new Response(null, { status: 204 });
}

async function download(
	storage: LocalFileStorage,
	claims: ReturnType<LocalFileStorage['verifyToken']>
): Promise<Response> {
	const file = await storage.open(claims.key);
	if (!file) throw new AppError(AppErrorCode.NotFound, 'File not found');
	const secondsLeft = Math.max(0, claims.expiresAt - Math.floor(Date.now() / 1000));
	return new Response(file.stream, {
		headers: {
			'Content-Type': file.contentType,
			'Content-Length': String(file.size),
			'Content-Disposition': contentDisposition(claims.filename),
			// User uploads are served from the app's own origin: never let a browser guess a more
			// dangerous type than the one the allow-list admitted.
			'X-Content-Type-Options': 'nosniff',
			'Cache-Control': `private, max-age=${secondsLeft}`
		}
	});
}

export async function handleLocalFileRequest(request: LocalFileRequest): Promise<Response> {
	const { storage } = request;
	try {
		if (!isLocalStorage(storage)) {
			throw new AppError(AppErrorCode.NotFound, 'Files are not served by this app');
		}
		const claims = storage.verifyToken(request.token);
		if (claims.method !== request.method) {
			throw new AppError(AppErrorCode.Forbidden, `This file link is for ${claims.method} only`);
		}
		return claims.method === 'PUT'
			? await upload(storage, claims, request)
			: await download(storage, claims);
	} catch (error) {
		if (isAppError(error)) return errorResponse(error);
		throw error;
	}
}
