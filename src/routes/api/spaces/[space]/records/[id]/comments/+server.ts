// A record's comments: GET lists them, POST { body } adds one (with @mentions).
import { context } from '$lib/server/context';
import { readJson, requireActor, respond } from '$lib/server/http';
import { addComment, listComments } from '$lib/server/services/comments';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ locals, params }) =>
	respond(() =>
		listComments({
			context: context(),
			actor: requireActor(locals),
			space: params.space,
			id: params.id
		})
	);

export const POST: RequestHandler = ({ locals, params, request }) =>
	respond(
		async () =>
			addComment({
				context: context(),
				actor: requireActor(locals),
				space: params.space,
				id: params.id,
				input: await readJson(request)
			}),
		{ status: 201 }
	);
