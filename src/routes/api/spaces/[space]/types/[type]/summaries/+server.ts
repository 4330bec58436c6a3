// A view's column summaries over all its records: POST `{ filter?, search?, summaries }` (a read;
// POST because a filter tree does not fit a URL well).
import { context } from '$lib/server/context';
import { readJson, requireActor, respond } from '$lib/server/http';
import { summarizeView } from '$lib/server/services/records/summaries';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = ({ locals, params, request }) =>
	respond(async () =>
		summarizeView({
			context: context(),
			actor: requireActor(locals),
			space: params.space,
			type: params.type,
			input: await readJson(request)
		})
	);
