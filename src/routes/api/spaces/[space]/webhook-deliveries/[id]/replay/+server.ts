// POST -> the delivery sent again, as a new delivery with the same event and payload.
import { context } from '$lib/server/context';
import { requireActor, respond } from '$lib/server/http';
import { replayDelivery } from '$lib/server/services/webhooks';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = ({ locals, params }) =>
	respond(
		() =>
			replayDelivery({
				context: context(),
				actor: requireActor(locals),
				space: params.space,
				id: params.id
			}),
		{ status: 202 }
	);
