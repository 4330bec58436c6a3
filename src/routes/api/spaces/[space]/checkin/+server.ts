import { context } from '$lib/server/context';
import { readJson, requireActor, respond } from '$lib/server/http';
import { checkIn, readCheckinSetup } from '$lib/server/services/checkin';
import type { RequestHandler } from './$types';

/** Which record type and fields the check-in desk uses, and what the caller may do there. */
export const GET: RequestHandler = ({ locals, params }) =>
	respond(() =>
		readCheckinSetup({ context: context(), actor: requireActor(locals), space: params.space })
	);

/** Checks a guest in: `{ id | code, nonce, gate?, scannedAt? }`; see `checkIn`. */
export const POST: RequestHandler = ({ locals, params, request }) =>
	respond(async () =>
		checkIn({
			context: context(),
			actor: requireActor(locals),
			space: params.space,
			input: await readJson(request)
		})
	);
