import { context } from '$lib/server/context';
import { readJson, requireActor, respond } from '$lib/server/http';
import { createView, listViews } from '$lib/server/services/views';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ locals, params }) =>
	respond(async () => ({
		views: await listViews({
			context: context(),
			actor: requireActor(locals),
			space: params.space,
			type: params.type
		})
	}));

export const POST: RequestHandler = ({ locals, params, request }) =>
	respond(
		async () =>
			createView({
				context: context(),
				actor: requireActor(locals),
				space: params.space,
				type: params.type,
				input: await readJson(request)
			}),
		{ status: 201 }
	);
