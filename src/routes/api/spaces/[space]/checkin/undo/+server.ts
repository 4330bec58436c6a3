import { context } from '$lib/server/context';
import { readJson, requireActor, respond } from '$lib/server/http';
import { undoCheckIn } from '$lib/server/services/checkin';
import type { RequestHandler } from './$types';

/** Takes a check-in back: `{ id, nonce }`; see `undoCheckIn`. */
export const POST: RequestHandler = ({ locals, params, request }) =>
	respond(async () =>
		undoCheckIn({
			context: context(),
			actor: requireActor(locals),
			space: params.space,
			input: await readJson(request)
		})
	);
