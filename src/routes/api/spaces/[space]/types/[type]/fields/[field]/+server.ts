import { json } from '@sveltejs/kit';
import { context } from '$lib/server/context';
import { errorResponse, readJson, requireActor } from '$lib/server/http';
import { deleteAttribute, updateAttribute } from '$lib/server/services/attributes';
import type { RequestHandler } from './$types';

export const PATCH: RequestHandler = async ({ locals, params, request }) => {
	try {
		const input = await readJson(request);
		return json(
			await updateAttribute({
				context: context(),
				actor: requireActor(locals),
				space: params.space,
				type: params.type,
				attribute: params.field,
				input
			})
		);
	} catch (error) {
		return errorResponse(error);
	}
};

export const DELETE: RequestHandler = async ({ locals, params }) => {
	try {
		await deleteAttribute({
			context: context(),
			actor: requireActor(locals),
			space: params.space,
			type: params.type,
			attribute: params.field
		});
		return new Response(null, { status: 204 });
	} catch (error) {
		return errorResponse(error);
	}
};
