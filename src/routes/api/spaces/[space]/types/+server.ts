import { json } from '@sveltejs/kit';
import { context } from '$lib/server/context';
import { errorResponse, readJson, requireActor } from '$lib/server/http';
import { createEntityType } from '$lib/server/services/entity-types';
import { readSchema } from '$lib/server/services/read-schema';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ locals, params }) => {
	try {
		const { types } = await readSchema({
			context: context(),
			actor: requireActor(locals),
			space: params.space
		});
		return json(types);
	} catch (error) {
		return errorResponse(error);
	}
};

export const POST: RequestHandler = async ({ locals, params, request }) => {
	try {
		const input = await readJson(request);
		return json(
			await createEntityType({
				context: context(),
				actor: requireActor(locals),
				space: params.space,
				input
			}),
			{ status: 201 }
		);
	} catch (error) {
		return errorResponse(error);
	}
};
