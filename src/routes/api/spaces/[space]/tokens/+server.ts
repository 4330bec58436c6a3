import { createApiToken, listApiTokens } from '$lib/server/auth/api-tokens';
import { context } from '$lib/server/context';
import { readJson, requireActor, respond } from '$lib/server/http';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ locals, params }) =>
	respond(() =>
		listApiTokens({ context: context(), actor: requireActor(locals), space: params.space })
	);

// The response holds the token's secret; it is never shown again.
export const POST: RequestHandler = ({ locals, params, request }) =>
	respond(
		async () =>
			createApiToken({
				context: context(),
				actor: requireActor(locals),
				space: params.space,
				input: await readJson(request)
			}),
		{ status: 201, headers: { 'cache-control': 'no-store' } }
	);
