// POST { format, view? } -> a large export queued as a job; its status gives a download link.
import { context } from '$lib/server/context';
import { readJson, requireActor, respond } from '$lib/server/http';
import { queueExport } from '$lib/server/services/exports';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = ({ locals, params, request }) =>
	respond(
		async () => {
			const body = (await readJson(request)) as { format?: unknown; view?: unknown } | null;
			return queueExport({
				context: context(),
				actor: requireActor(locals),
				space: params.space,
				type: params.type,
				format: body?.format ?? 'csv',
				view: typeof body?.view === 'string' ? body.view : undefined
			});
		},
		{ status: 202 }
	);
