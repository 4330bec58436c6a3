import { context } from '$lib/server/context';
import { readJson, requireActor, respond } from '$lib/server/http';
import { reorderAttributes } from '$lib/server/services/attributes';
import type { RequestHandler } from './$types';

export const PUT: RequestHandler = ({ locals, params, request }) =>
	respond(async () =>
		reorderAttributes({
			context: context(),
			actor: requireActor(locals),
			space: params.space,
			type: params.type,
			input: await readJson(request)
		})
	);
