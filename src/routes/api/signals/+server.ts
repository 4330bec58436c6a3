import { context } from '$lib/server/context';
import { requireActor } from '$lib/server/http';
import { followSignals } from '$lib/server/services/signal-stream';
import { respondWithEvents } from '$lib/server/transports/sse';
import type { RequestHandler } from './$types';

/**
 * The signed-in person's signals as Server-Sent Events: the unread count of their inbox, then
 * comment counts and schema changes in their spaces. Nothing to resume: a page that reconnects
 * reads what it shows again.
 */
export const GET: RequestHandler = ({ locals, request }) =>
	respondWithEvents({
		signal: request.signal,
		start: (sink) => followSignals({ context: context(), actor: requireActor(locals), sink })
	});
