import { context } from '$lib/server/context';
import { readJson, requireActor, respond } from '$lib/server/http';
import { deleteEntityType, renameEntityType } from '$lib/server/services/entity-types';
import type { RequestHandler } from './$types';

export const PATCH: RequestHandler = ({ locals, params, request }) =>
	respond(async () =>
		renameEntityType({
			context: context(),
			actor: requireActor(locals),
			space: params.space,
			type: params.type,
			input: await readJson(request)
		})
	);

export const DELETE: RequestHandler = ({ locals, params }) =>
	respond(async () => {
		await deleteEntityType({
			context: context(),
			actor: requireActor(locals),
			space: params.space,
			type: params.type
		});
	});
