import { context } from '$lib/server/context';
import { requireActor } from '$lib/server/http';
import { followRecordEvents } from '$lib/server/services/record-events';
import { respondWithEvents } from '$lib/server/transports/sse';
import type { RequestHandler } from './$types';

/**
 * Live record changes as Server-Sent Events. `lastEventId` in the query stands in for the
 * Last-Event-ID header on a first connect (EventSource cannot set headers); on its own
 * reconnects EventSource sends the header with a later id, which therefore wins.
 */
export const GET: RequestHandler = ({ locals, params, request, url }) =>
	respondWithEvents({
		signal: request.signal,
		start: (sink) =>
			followRecordEvents({
				context: context(),
				actor: requireActor(locals),
				space: params.space,
				input: {
					types: url.searchParams.get('types') ?? undefined,
					// An empty header is what "no id yet" looks like on the wire.
					lastEventId:
						request.headers.get('last-event-id') || url.searchParams.get('lastEventId') || undefined
				},
				sink
			})
	});
