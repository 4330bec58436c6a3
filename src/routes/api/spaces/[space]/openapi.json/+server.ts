import { context } from '$lib/server/context';
import { requireActor, respond } from '$lib/server/http';
import { readSchema } from '$lib/server/services/read-schema';
import { buildOpenApi } from '$lib/server/transports/openapi';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ locals, params, url }) =>
	respond(async () => {
		const { space, types } = await readSchema({
			context: context(),
			actor: requireActor(locals),
			space: params.space
		});
		return buildOpenApi({ space, types, baseUrl: url.origin });
	});
