// POST { name, size } -> a new import and a presigned PUT for its file; GET -> recent imports.
import { context } from '$lib/server/context';
import { readJson, requireActor, respond } from '$lib/server/http';
import { createImport, listImports } from '$lib/server/services/imports';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = ({ locals, params, request }) =>
	respond(
		async () =>
			createImport({
				context: context(),
				actor: requireActor(locals),
				space: params.space,
				type: params.type,
				input: await readJson(request)
			}),
		{ status: 201 }
	);

export const GET: RequestHandler = ({ locals, params }) =>
	respond(() =>
		listImports({
			context: context(),
			actor: requireActor(locals),
			space: params.space,
			type: params.type
		})
	);
