// PATCH { isActive } -> switch a webhook on or off; DELETE -> remove it and its delivery log.
import { context } from '$lib/server/context';
import { readJson, requireActor, respond } from '$lib/server/http';
import { deleteWebhook, updateWebhook } from '$lib/server/services/webhooks';
import type { RequestHandler } from './$types';

export const PATCH: RequestHandler = ({ locals, params, request }) =>
	respond(async () =>
		updateWebhook({
			context: context(),
			actor: requireActor(locals),
			space: params.space,
			id: params.id,
			input: await readJson(request)
		})
	);

export const DELETE: RequestHandler = ({ locals, params }) =>
	respond(() =>
		deleteWebhook({
			context: context(),
			actor: requireActor(locals),
			space: params.space,
			id: params.id
		})
	);
