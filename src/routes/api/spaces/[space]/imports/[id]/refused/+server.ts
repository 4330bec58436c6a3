// GET -> the rows the import refused, with reasons, as a CSV download.
import { context } from '$lib/server/context';
import { errorResponse, requireActor } from '$lib/server/http';
import { refusedRowsCsv } from '$lib/server/services/imports';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ locals, params }) => {
	try {
		const { fileName, body } = await refusedRowsCsv({
			context: context(),
			actor: requireActor(locals),
			space: params.space,
			id: params.id
		});
		return new Response(body, {
			headers: {
				'content-type': 'text/csv; charset=utf-8',
				'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`
			}
		});
	} catch (error) {
		return errorResponse(error);
	}
};
