// Merges records of one type into a survivor: POST { survivorId, mergedIds, values? }.
import { context } from '$lib/server/context';
import { readJson, requireActor, respond } from '$lib/server/http';
import { mergeRecords } from '$lib/server/services/merge';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = ({ locals, params, request }) =>
	respond(
		async () => {
			const { merge, survivor } = await mergeRecords({
				context: context(),
				actor: requireActor(locals),
				space: params.space,
				type: params.type,
				input: await readJson(request)
			});
			return { merge, survivor };
		},
		{ status: 201 }
	);
