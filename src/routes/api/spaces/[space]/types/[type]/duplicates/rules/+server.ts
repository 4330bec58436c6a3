// GET -> the type's match rules (stored or default); PUT MatchRules -> saved (owners);
// DELETE -> back to the defaults (owners).
import { context } from '$lib/server/context';
import { readJson, requireActor, respond } from '$lib/server/http';
import { getMatchRules, resetMatchRules, saveMatchRules } from '$lib/server/services/matching';
import type { RequestHandler } from './$types';

const scope = (event: Parameters<RequestHandler>[0]) => ({
	context: context(),
	actor: requireActor(event.locals),
	space: event.params.space,
	type: event.params.type
});

export const GET: RequestHandler = (event) => respond(() => getMatchRules(scope(event)));

export const PUT: RequestHandler = (event) =>
	respond(async () => saveMatchRules({ ...scope(event), input: await readJson(event.request) }));

export const DELETE: RequestHandler = (event) => respond(() => resetMatchRules(scope(event)));
