// POST -> a scan of the whole type, queued (or the one already running); GET -> the latest.
import { context } from '$lib/server/context';
import { requireActor, respond } from '$lib/server/http';
import { latestScan, startScan } from '$lib/server/services/matching';
import type { RequestHandler } from './$types';

const scope = (event: Parameters<RequestHandler>[0]) => ({
	context: context(),
	actor: requireActor(event.locals),
	space: event.params.space,
	type: event.params.type
});

export const POST: RequestHandler = (event) =>
	respond(() => startScan(scope(event)), { status: 202 });

export const GET: RequestHandler = (event) => respond(() => latestScan(scope(event)));
