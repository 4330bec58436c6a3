import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { context } from '$lib/server/context';
import { errorResponse, requireActor } from '$lib/server/http';
import { listAttendees } from '$lib/server/services/checkin';
import type { RequestHandler } from './$types';

const compress = promisify(gzip);

/**
 * Every attendee with the fields check-in reads, for search on the phone and offline use. The
 * body is megabytes for a large event and adapter-node compresses only static files, so it is
 * gzipped here when the client accepts it (every browser does).
 */
export const GET: RequestHandler = async ({ locals, params, request }) => {
	try {
		const body = JSON.stringify(
			await listAttendees({ context: context(), actor: requireActor(locals), space: params.space })
		);
		const headers: Record<string, string> = {
			'content-type': 'application/json',
			// Personal data: never kept by shared caches; the check-in page keeps its own copy.
			'cache-control': 'private, no-cache',
			vary: 'accept-encoding'
		};
		if (!/\bgzip\b/.test(request.headers.get('accept-encoding') ?? '')) {
			return new Response(body, { headers });
		}
		const compressed = await compress(body, { level: 6 });
		return new Response(new Uint8Array(compressed), {
			headers: { ...headers, 'content-encoding': 'gzip' }
		});
	} catch (error) {
		return errorResponse(error);
	}
};
