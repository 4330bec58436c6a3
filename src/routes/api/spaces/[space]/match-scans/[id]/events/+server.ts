// GET -> a duplicate scan's progress as Server-Sent Events (`status`), until it is finished.
import { context } from '$lib/server/context';
import { requireActor } from '$lib/server/http';
import { followScan } from '$lib/server/services/matching';
import { respondWithEvents } from '$lib/server/transports/sse';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ locals, params, request }) =>
	respondWithEvents({
		signal: request.signal,
		start: (sink) =>
			followScan({
				context: context(),
				actor: requireActor(locals),
				space: params.space,
				id: params.id,
				sink
			})
	});
