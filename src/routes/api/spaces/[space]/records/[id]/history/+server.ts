// A record's change history, newest first: ?before=<cursor>&limit=<n>.
import { context } from '$lib/server/context';
import { requireActor, respond } from '$lib/server/http';
import { readHistory } from '$lib/server/services/history';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ locals, params, url }) =>
	respond(() =>
		readHistory({
			context: context(),
			actor: requireActor(locals),
			space: params.space,
			id: params.id,
			query: {
				before: url.searchParams.get('before') ?? undefined,
				limit: url.searchParams.get('limit') ?? undefined
			}
		})
	);
