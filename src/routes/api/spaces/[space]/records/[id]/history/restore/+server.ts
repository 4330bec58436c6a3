// Writes a field's value from before a logged change back: POST { field, auditId }.
import { context } from '$lib/server/context';
import { readJson, requireActor, respond } from '$lib/server/http';
import { restoreValue } from '$lib/server/services/history';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = ({ locals, params, request }) =>
	respond(async () => {
		const { record } = await restoreValue({
			context: context(),
			actor: requireActor(locals),
			space: params.space,
			id: params.id,
			input: await readJson(request)
		});
		return record;
	});
