import { revokeApiToken } from '$lib/server/auth/api-tokens';
import { context } from '$lib/server/context';
import { requireActor, respond } from '$lib/server/http';
import type { RequestHandler } from './$types';

export const DELETE: RequestHandler = ({ locals, params }) =>
	respond(() =>
		revokeApiToken({
			context: context(),
			actor: requireActor(locals),
			space: params.space,
			id: params.id
		})
	);
