import { context } from '$lib/server/context';
import { readJson, requireActor, respond } from '$lib/server/http';
import { createEntityType } from '$lib/server/services/entity-types';
import { readSchema } from '$lib/server/services/read-schema';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ locals, params }) =>
	respond(async () => {
		const { types } = await readSchema({
			context: context(),
			actor: requireActor(locals),
			space: params.space
		});
		return types;
	});

export const POST: RequestHandler = ({ locals, params, request }) =>
	respond(
		async () =>
			createEntityType({
				context: context(),
				actor: requireActor(locals),
				space: params.space,
				input: await readJson(request)
			}),
		{ status: 201 }
	);
