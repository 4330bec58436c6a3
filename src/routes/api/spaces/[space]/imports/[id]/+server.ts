// GET -> the import's status: state, counters, error.
import { context } from '$lib/server/context';
import { requireActor, respond } from '$lib/server/http';
import { getImport } from '$lib/server/services/imports';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ locals, params }) =>
	respond(() =>
		getImport({
			context: context(),
			actor: requireActor(locals),
			space: params.space,
			id: params.id
		})
	);
