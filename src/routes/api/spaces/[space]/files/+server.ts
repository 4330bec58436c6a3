// POST { name, size, contentType } -> a storage key and a presigned PUT for the browser to
// upload the file to directly; the attachment value then names that key.
import { context } from '$lib/server/context';
import { readJson, requireActor, respond } from '$lib/server/http';
import { createUpload } from '$lib/server/services/files';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = ({ locals, params, request }) =>
	respond(
		async () =>
			createUpload({
				context: context(),
				actor: requireActor(locals),
				space: params.space,
				input: await readJson(request)
			}),
		{ status: 201 }
	);
