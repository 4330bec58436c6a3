// POST { encoding?, delimiter?, sheet? } -> the file's columns, guessed kinds and first rows.
import { context } from '$lib/server/context';
import { readJson, requireActor, respond } from '$lib/server/http';
import { previewImport } from '$lib/server/services/imports';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = ({ locals, params, request }) =>
	respond(async () =>
		previewImport({
			context: context(),
			actor: requireActor(locals),
			space: params.space,
			id: params.id,
			input: await readJson(request)
		})
	);
