// Marks notifications read: POST { ids: [...] } or { all: true }; answers { unread }.
import { context } from '$lib/server/context';
import { readJson, requireActor, respond } from '$lib/server/http';
import { markRead } from '$lib/server/services/notifications';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async ({ locals, request }) =>
	respond(async () =>
		markRead({ context: context(), actor: requireActor(locals), input: await readJson(request) })
	);
