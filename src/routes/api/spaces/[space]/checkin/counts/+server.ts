import { context } from '$lib/server/context';
import { requireActor, respond } from '$lib/server/http';
import { countCheckins } from '$lib/server/services/checkin';
import type { RequestHandler } from './$types';

/** Checked-in against total, overall and per gate. */
export const GET: RequestHandler = ({ locals, params }) =>
	respond(() =>
		countCheckins({ context: context(), actor: requireActor(locals), space: params.space })
	);
