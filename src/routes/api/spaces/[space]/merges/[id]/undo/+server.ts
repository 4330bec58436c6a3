// Undoes a merge: the merged records, their values and links come back.
import { context } from '$lib/server/context';
import { requireActor, respond } from '$lib/server/http';
import { unmergeRecords } from '$lib/server/services/merge';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = ({ locals, params }) =>
	respond(async () => {
		const { merge } = await unmergeRecords({
			context: context(),
			actor: requireActor(locals),
			space: params.space,
			input: { mergeId: params.id }
		});
		return { merge };
	});
