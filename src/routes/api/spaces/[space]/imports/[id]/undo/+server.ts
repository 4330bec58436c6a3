// POST -> the import, being undone by a job.
import { context } from '$lib/server/context';
import { requireActor, respond } from '$lib/server/http';
import { undoImport } from '$lib/server/services/imports';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = ({ locals, params }) =>
	respond(
		() =>
			undoImport({
				context: context(),
				actor: requireActor(locals),
				space: params.space,
				id: params.id
			}),
		{ status: 202 }
	);
