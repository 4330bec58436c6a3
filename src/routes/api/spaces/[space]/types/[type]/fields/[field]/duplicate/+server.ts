// Duplicate a field beside it: `{ name?, withValues = true }`.
import { context } from '$lib/server/context';
import { readJson, requireActor, respond } from '$lib/server/http';
import { duplicateAttribute } from '$lib/server/services/attributes';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = ({ locals, params, request }) =>
	respond(
		async () =>
			duplicateAttribute({
				context: context(),
				actor: requireActor(locals),
				space: params.space,
				type: params.type,
				attribute: params.field,
				input: await readJson(request)
			}),
		{ status: 201 }
	);
