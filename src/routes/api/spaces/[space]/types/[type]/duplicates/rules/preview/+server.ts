// POST MatchRules -> the pairs those rules (saved or not) would find: the rules page's preview.
import { context } from '$lib/server/context';
import { readJson, requireActor, respond } from '$lib/server/http';
import { previewMatchRules } from '$lib/server/services/matching';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = ({ locals, params, request }) =>
	respond(async () =>
		previewMatchRules({
			context: context(),
			actor: requireActor(locals),
			space: params.space,
			type: params.type,
			input: await readJson(request)
		})
	);
