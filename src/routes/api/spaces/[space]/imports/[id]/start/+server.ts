// POST { mode, keyField?, columns: [{ column, field } | { column, create: { name, kind } }] }
// -> the import, queued.
import { context } from '$lib/server/context';
import { readJson, requireActor, respond } from '$lib/server/http';
import { startImport } from '$lib/server/services/imports';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = ({ locals, params, request }) =>
	respond(
		async () =>
			startImport({
				context: context(),
				actor: requireActor(locals),
				space: params.space,
				id: params.id,
				input: await readJson(request)
			}),
		{ status: 202 }
	);
