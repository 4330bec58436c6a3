// GET -> the webhook's last hundred deliveries, newest first.
import { context } from '$lib/server/context';
import { requireActor, respond } from '$lib/server/http';
import { listDeliveries } from '$lib/server/services/webhooks';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ locals, params }) =>
	respond(() =>
		listDeliveries({
			context: context(),
			actor: requireActor(locals),
			space: params.space,
			id: params.id
		})
	);
