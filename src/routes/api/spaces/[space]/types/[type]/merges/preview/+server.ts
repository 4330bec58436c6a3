// The records of a merge side by side, with survivorship's defaults: GET ?ids=a,b[,...].
import { context } from '$lib/server/context';
import { requireActor, respond } from '$lib/server/http';
import { previewMerge } from '$lib/server/services/merge';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ locals, params, url }) =>
	respond(() =>
		previewMerge({
			context: context(),
			actor: requireActor(locals),
			space: params.space,
			type: params.type,
			input: { ids: url.searchParams.get('ids') ?? undefined }
		})
	);
