import { json } from '@sveltejs/kit';
import { context } from '$lib/server/context';
import { errorResponse, readJson, requireActor } from '$lib/server/http';
import { deleteEntityType, renameEntityType } from '$lib/server/services/entity-types';
import type { RequestHandler } from './$types';

export const PATCH: RequestHandler = async ({ locals, params, request }) => {
	try {
		const input = await readJson(request);
		return json(
			await renameEntityType({
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

export const DELETE: RequestHandler = async ({ locals, params }) => {
	try {
		await deleteEntityType({
			context: context(),
			actor: requireActor(locals),
			space: params.space,
			type: params.type
		});
		return new Response(null, { status: 204 });
	} catch (error) {
		return errorResponse(error);
	}
};
