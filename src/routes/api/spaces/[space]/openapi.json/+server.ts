import { json } from '@sveltejs/kit';
import { context } from '$lib/server/context';
import { errorResponse, requireActor } from '$lib/server/http';
import { readSchema } from '$lib/server/services/read-schema';
import { buildOpenApi } from '$lib/server/transports/openapi';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ locals, params, url }) => {
	try {
		const { space, types } = await readSchema({
			context: context(),
			actor: requireActor(locals),
			space: params.space
		});
		return json(buildOpenApi({ space, types, baseUrl: url.origin }));
	} catch (error) {
		return errorResponse(error);
	}
};
