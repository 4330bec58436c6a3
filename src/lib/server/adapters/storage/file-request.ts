// Serves the app's signed file links (/api/files/<token>): every upload, streamed on to the
// store (a directory or S3), and the local store's downloads. The token is the whole
// authorisation, as an S3 signature is, so it is checked before anything is read or written.
import { AppError, AppErrorCode, isAppError } from '$lib/domain/errors';
import type { FileToken } from './file-links';
import {
	contentDisposition,
	mediaTypeOf,
	servableContentType,
	type FileStorage
} from './file-storage';
import type { UploadGrants } from './upload-grants';

export interface FileRequest {
	storage: FileStorage;
	/** Where upload links are used up: each uploads once. */
	grants: UploadGrants;
	token: string;
	method: string;
	body: ReadableStream<Uint8Array> | null;
	/** The request's Content-Type header. */
	contentType: string | null;
	/** The request's Content-Length header, when it has one. */
	contentLength?: string | null;
}

const errorResponse = (error: AppError) => Response.json(error.toJSON(), { status: error.status });

const tooLarge = (limit: number) =>
	new AppError(AppErrorCode.TooLarge, `File is larger than the ${limit} bytes allowed`, {
		field: 'size',
		details: { maxBytes: limit }
	});

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
			if (total > limit) throw tooLarge(limit);
			yield value;
		}
	} finally {
		await reader.cancel().catch(() => undefined);
	}
}

async function upload(claims: FileToken, request: FileRequest): Promise<Response> {
	const { storage, grants } = request;
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
	// The link was issued for this size, after the checks of the limits that apply to it. A
	// declared length over it is refused before anything is claimed or stored; upTo holds a
	// body without one (or lying about it) to the same limit as it streams.
	const limit = claims.maxBytes ?? storage.limits.maxBytes;
	const length = request.contentLength ? Number(request.contentLength) : undefined;
	if (length !== undefined && length > limit) throw tooLarge(limit);
	const size = length !== undefined && Number.isSafeInteger(length) ? length : undefined;
	// The first upload through a link uses it up, so a leaked or logged link cannot overwrite
	// the file later. A failed upload gives its claim back: the browser may retry the link.
	const grant = claims.grant!;
	if (!(await grants.claim(grant, new Date(claims.expiresAt * 1000)))) {
		throw new AppError(
			AppErrorCode.Conflict,
			'This upload link has been used already; ask for a new one',
			{ field: 'url' }
		);
	}
	try {
		await storage.putStream(claims.key, upTo(request.body, limit), claims.contentType, size);
	} catch (error) {
		await grants.release(grant);
		throw error;
	}
	return new Response(null, { status: 204 });
}

async function download(storage: FileStorage, claims: FileToken): Promise<Response> {
	const file = await storage.open(claims.key);
	if (!file) throw new AppError(AppErrorCode.NotFound, 'File not found');
	const secondsLeft = Math.max(0, claims.expiresAt - Math.floor(Date.now() / 1000));
	return new Response(file.stream, {
		headers: {
			// A type stored before uploads were held to plain types (or by another writer) could
			// carry CR/LF or parameters: serve it as opaque bytes instead of failing.
			'Content-Type': servableContentType(file.contentType),
			'Content-Length': String(file.size),
			'Content-Disposition': contentDisposition(claims.filename),
			// User uploads are served from the app's own origin: never let a browser guess a more
			// dangerous type than the one the allow-list admitted.
			'X-Content-Type-Options': 'nosniff',
			'Cache-Control': `private, max-age=${secondsLeft}`
		}
	});
}

export async function handleFileRequest(request: FileRequest): Promise<Response> {
	const { storage } = request;
	try {
		const claims = storage.verifyToken(request.token);
		if (claims.method !== request.method) {
			throw new AppError(AppErrorCode.Forbidden, `This file link is for ${claims.method} only`);
		}
		return claims.method === 'PUT'
			? await upload(claims, request)
			: await download(storage, claims);
	} catch (error) {
		if (isAppError(error)) return errorResponse(error);
		throw error;
	}
}
