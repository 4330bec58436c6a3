// Deletes one comment: the caller's own, or any for an owner.
import { context } from '$lib/server/context';
import { requireActor, respond } from '$lib/server/http';
import { deleteComment } from '$lib/server/services/comments';
import type { RequestHandler } from './$types';

export const DELETE: RequestHandler = ({ locals, params }) =>
	respond(() =>
		deleteComment({
			context: context(),
			actor: requireActor(locals),
			space: params.space,
			id: params.id,
			comment: params.comment
		})
	);
