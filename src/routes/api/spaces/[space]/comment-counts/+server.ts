// How many comments records have: POST { ids: [...] } (the rows a grid loaded), answered as
// { "<record id>": count } for the records that have any. POST because a page of ids is long.
import { context } from '$lib/server/context';
import { readJson, requireActor, respond } from '$lib/server/http';
import { countComments } from '$lib/server/services/comments';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = ({ locals, params, request }) =>
	respond(async () =>
		countComments({
			context: context(),
			actor: requireActor(locals),
			space: params.space,
			input: await readJson(request)
		})
	);
