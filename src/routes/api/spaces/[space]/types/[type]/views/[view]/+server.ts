import { context } from '$lib/server/context';
import { readJson, requireActor, respond } from '$lib/server/http';
import { deleteView, updateView } from '$lib/server/services/views';
import type { RequestHandler } from './$types';

export const PATCH: RequestHandler = ({ locals, params, request }) =>
	respond(async () =>
		updateView({
			context: context(),
			actor: requireActor(locals),
			space: params.space,
			type: params.type,
			view: params.view,
			input: await readJson(request)
		})
	);

export const DELETE: RequestHandler = ({ locals, params }) =>
	respond(async () => {
		await deleteView({
			context: context(),
			actor: requireActor(locals),
			space: params.space,
			type: params.type,
			view: params.view
		});
	});
