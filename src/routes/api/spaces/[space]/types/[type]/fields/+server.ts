import { context } from '$lib/server/context';
import { readJson, requireActor, respond } from '$lib/server/http';
import { addAttribute } from '$lib/server/services/attributes';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = ({ locals, params, request }) =>
	respond(
		async () =>
			addAttribute({
				context: context(),
				actor: requireActor(locals),
				space: params.space,
				type: params.type,
				input: await readJson(request)
			}),
		{ status: 201 }
	);
