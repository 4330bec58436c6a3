// Where each value of a record came from (user, import, API token or merge, and when).
import { context } from '$lib/server/context';
import { requireActor, respond } from '$lib/server/http';
import { recordProvenance } from '$lib/server/services/merge';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ locals, params }) =>
	respond(() =>
		recordProvenance({
			context: context(),
			actor: requireActor(locals),
			space: params.space,
			id: params.id
		})
	);
