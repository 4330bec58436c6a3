// GET ?format=csv|xlsx&view=<view id>: the sheet, or one of its saved views, as a file that
// streams while it is read. Errors found before the first byte are the usual coded JSON.
import { Readable } from 'node:stream';
import { contentDisposition } from '$lib/server/adapters/storage/file-storage';
import { context } from '$lib/server/context';
import { errorResponse, requireActor } from '$lib/server/http';
import { exportRecords } from '$lib/server/services/exports';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ locals, params, url }) => {
	try {
		const file = await exportRecords({
			context: context(),
			actor: requireActor(locals),
			space: params.space,
			type: params.type,
			view: url.searchParams.get('view') ?? undefined,
			format: url.searchParams.get('format') ?? 'csv'
		});
		return new Response(Readable.toWeb(file.stream) as ReadableStream<Uint8Array>, {
			headers: {
				'content-type': file.contentType,
				'content-disposition': contentDisposition(file.filename),
				'cache-control': 'no-store',
				'x-content-type-options': 'nosniff'
			}
		});
	} catch (error) {
		return errorResponse(error);
	}
};
