// GET -> an export job's state, with a short-lived download link once it is done.
import { context } from '$lib/server/context';
import { requireActor, respond } from '$lib/server/http';
import { getExportJob } from '$lib/server/services/exports';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ locals, params }) =>
	respond(() =>
		getExportJob({
			context: context(),
			actor: requireActor(locals),
			space: params.space,
			id: params.id
		})
	);
