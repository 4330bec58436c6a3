// A kanban move: POST { status, before?, after?, field? } puts the record in the column of that
// choice (null: no value), right before `before` or right after `after` (record ids).
import { context } from '$lib/server/context';
import { readJson, requireActor, respond } from '$lib/server/http';
import { moveRecord } from '$lib/server/services/records/move';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = ({ locals, params, request }) =>
	respond(async () => {
		const { changes: _changes, ...moved } = await moveRecord({
			context: context(),
			actor: requireActor(locals),
			space: params.space,
			type: params.type,
			id: params.id,
			input: await readJson(request)
		});
		return moved;
	});
