// GET -> the space's webhooks; POST { url, events } -> a new webhook with its secret (shown once).
import { context } from '$lib/server/context';
import { readJson, requireActor, respond } from '$lib/server/http';
import { createWebhook, listWebhooks } from '$lib/server/services/webhooks';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ locals, params }) =>
	respond(() =>
		listWebhooks({ context: context(), actor: requireActor(locals), space: params.space })
	);

export const POST: RequestHandler = ({ locals, params, request }) =>
	respond(
		async () =>
			createWebhook({
				context: context(),
				actor: requireActor(locals),
				space: params.space,
				input: await readJson(request)
			}),
		{ status: 201 }
	);
