// GET -> the type's review queue (open pairs in clusters, best first, with their records);
// GET ?record=<id> -> one record's possible duplicates, for the banner on its page.
import { context } from '$lib/server/context';
import { requireActor, respond } from '$lib/server/http';
import { getDuplicateQueue, getRecordDuplicates } from '$lib/server/services/matching';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ locals, params, url }) =>
	respond(() => {
		const scope = {
			context: context(),
			actor: requireActor(locals),
			space: params.space,
			type: params.type
		};
		const record = url.searchParams.get('record');
		return record ? getRecordDuplicates({ ...scope, id: record }) : getDuplicateQueue(scope);
	});
