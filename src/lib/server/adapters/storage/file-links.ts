// The app's own signed file links (/api/files/<token>): every upload link, whatever the store,
// and the local store's download links. The token is the whole authorisation, as an S3
// signature is; an upload link also names a grant that its first upload uses up.
import { createHmac, hkdfSync, randomUUID, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import { PRESIGN_EXPIRY_SECONDS } from './file-storage';

const fileToken = z.object({
	key: z.string(),
	method: z.enum(['PUT', 'GET']),
	/** Unix seconds. */
	expiresAt: z.number().int(),
	/** An upload's single-use grant (upload-grants.ts); every PUT link has one. */
	grant: z.uuid().optional(),
	contentType: z.string().optional(),
	maxBytes: z.number().int().nonnegative().optional(),
	filename: z.string().optional()
});

export type FileToken = z.infer<typeof fileToken>;

export interface FileLinkOptions {
	/** Signs the tokens; AUTH_SECRET in the app. */
	secret: string;
	/** Origin put in front of `/api/files/...`; without it the URLs are relative. */
	publicBaseUrl?: string;
	/** Milliseconds since the epoch; replaced in tests to expire tokens without waiting. */
	now?: () => number;
}

export interface FileLinks {
	/** A signed URL for these claims; an upload link gets a fresh grant. */
	issue(claims: Omit<FileToken, 'expiresAt' | 'grant'>): string;
	/** The token's claims when its signature holds and it has not expired; else AppError Forbidden. */
	verify(token: string): FileToken;
}

const forbidden = (message: string) => new AppError(AppErrorCode.Forbidden, message);

export function createFileLinks(options: FileLinkOptions): FileLinks {
	const now = options.now ?? Date.now;
	// A key derived for this one purpose: a leaked file URL then says nothing about the session
	// signatures made with the same AUTH_SECRET, and vice versa.
	const signingKey = Buffer.from(
		hkdfSync('sha256', options.secret, '', 'roster local file token', 32)
	);
	const sign = (payload: string) =>
		createHmac('sha256', signingKey).update(payload).digest('base64url');
	const baseUrl = (options.publicBaseUrl ?? '').replace(/\/+$/, '');

	return {
		issue(claims) {
			const expiresAt = Math.floor(now() / 1000) + PRESIGN_EXPIRY_SECONDS;
			const grant = claims.method === 'PUT' ? { grant: randomUUID() } : {};
			const payload = Buffer.from(JSON.stringify({ ...claims, ...grant, expiresAt })).toString(
				'base64url'
			);
			return `${baseUrl}/api/files/${payload}.${sign(payload)}`;
		},

		verify(token) {
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
			// Links signed before grants existed could be replayed: they are refused.
			if (claims.method === 'PUT' && !claims.grant) throw forbidden('The file link is not valid');
			if (claims.expiresAt * 1000 <= now()) throw forbidden('The file link has expired');
			return claims;
		}
	};
}
