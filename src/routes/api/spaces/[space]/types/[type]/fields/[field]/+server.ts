import { context } from '$lib/server/context';
import { readJson, requireActor, respond } from '$lib/server/http';
import { deleteAttribute, updateAttribute } from '$lib/server/services/attributes';
import type { RequestHandler } from './$types';

export const PATCH: RequestHandler = ({ locals, params, request }) =>
	respond(async () =>
		updateAttribute({
			context: context(),
			actor: requireActor(locals),
			space: params.space,
			type: params.type,
			attribute: params.field,
			input: await readJson(request)
		})
	);

export const DELETE: RequestHandler = ({ locals, params }) =>
	respond(async () => {
		await deleteAttribute({
			context: context(),
			actor: requireActor(locals),
			space: params.space,
			type: params.type,
			attribute: params.field
		});
	});
