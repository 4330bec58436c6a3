// Change a field's kind; `?preview` reports what would not convert without changing anything.
import { context } from '$lib/server/context';
import { readJson, requireActor, respond } from '$lib/server/http';
import { changeAttributeKind } from '$lib/server/services/attributes';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = ({ locals, params, request, url }) =>
	respond(async () =>
		changeAttributeKind({
			context: context(),
			actor: requireActor(locals),
			space: params.space,
			type: params.type,
			attribute: params.field,
			input: await readJson(request),
			isPreview: url.searchParams.has('preview')
		})
	);
