// POST -> the import, cancelled (a running job takes back what it wrote).
import { context } from '$lib/server/context';
import { requireActor, respond } from '$lib/server/http';
import { cancelImport } from '$lib/server/services/imports';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = ({ locals, params }) =>
	respond(
		() =>
			cancelImport({
				context: context(),
				actor: requireActor(locals),
				space: params.space,
				id: params.id
			}),
		{ status: 202 }
	);
