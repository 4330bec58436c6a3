// POST { ids } -> every open pair among the records remembered as not duplicates.
import { context } from '$lib/server/context';
import { readJson, requireActor, respond } from '$lib/server/http';
import { markNotDuplicates } from '$lib/server/services/matching';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = ({ locals, params, request }) =>
	respond(async () =>
		markNotDuplicates({
			context: context(),
			actor: requireActor(locals),
			space: params.space,
			type: params.type,
			input: await readJson(request)
		})
	);
