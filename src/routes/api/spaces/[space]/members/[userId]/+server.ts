import { context } from '$lib/server/context';
import { readJson, requireActor, respond } from '$lib/server/http';
import { changeMemberRole, removeMember } from '$lib/server/services/members';
import type { RequestHandler } from './$types';

export const PATCH: RequestHandler = ({ locals, params, request }) =>
	respond(async () =>
		changeMemberRole({
			context: context(),
			actor: requireActor(locals),
			space: params.space,
			userId: params.userId,
			input: await readJson(request)
		})
	);

export const DELETE: RequestHandler = ({ locals, params }) =>
	respond(() =>
		removeMember({
			context: context(),
			actor: requireActor(locals),
			space: params.space,
			userId: params.userId
		})
	);
