import { json } from '@sveltejs/kit';
import { context } from '$lib/server/context';
import { errorResponse, readJson, requireActor } from '$lib/server/http';
import { reorderAttributes } from '$lib/server/services/attributes';
import type { RequestHandler } from './$types';

export const PUT: RequestHandler = async ({ locals, params, request }) => {
	try {
		const input = await readJson(request);
		return json(
			await reorderAttributes({
				context: context(),
				actor: requireActor(locals),
				space: params.space,
				type: params.type,
				input
			})
		);
	} catch (error) {
		return errorResponse(error);
	}
};
