// Add a choice to a select field: `{ name, color? }`; 201 with `{ name, isNew }`.
import { context } from '$lib/server/context';
import { readJson, requireActor, respond } from '$lib/server/http';
import { addChoice } from '$lib/server/services/attributes';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = ({ locals, params, request }) =>
	respond(
		async () =>
			addChoice({
				context: context(),
				actor: requireActor(locals),
				space: params.space,
				type: params.type,
				attribute: params.field,
				input: await readJson(request)
			}),
		{ status: 201 }
	);
