// The caller's inbox: their latest notifications across their spaces, and the unread count.
import { context } from '$lib/server/context';
import { requireActor, respond } from '$lib/server/http';
import { listInbox } from '$lib/server/services/notifications';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ locals }) =>
	respond(() => listInbox({ context: context(), actor: requireActor(locals) }));
