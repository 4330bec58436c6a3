import { context } from '$lib/server/context';
import { readJson, requireActor, respond } from '$lib/server/http';
import { createSpace, listSpaces } from '$lib/server/services/spaces';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ locals }) =>
	respond(() => listSpaces({ context: context(), actor: requireActor(locals) }));

export const POST: RequestHandler = ({ locals, request }) =>
	respond(
		async () =>
			createSpace({
				context: context(),
				actor: requireActor(locals),
				input: await readJson(request)
			}),
		{ status: 201 }
	);
