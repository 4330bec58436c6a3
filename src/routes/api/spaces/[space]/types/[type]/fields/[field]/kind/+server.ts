// Change a field's kind; `?preview` reports what would not convert without changing anything.
import { json } from '@sveltejs/kit';
import { context } from '$lib/server/context';
import { errorResponse, readJson, requireActor } from '$lib/server/http';
import { changeAttributeKind } from '$lib/server/services/attributes';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async ({ locals, params, request, url }) => {
	try {
		const input = await readJson(request);
		const report = await changeAttributeKind({
			context: context(),
			actor: requireActor(locals),
			space: params.space,
			type: params.type,
			attribute: params.field,
			input,
			isPreview: url.searchParams.has('preview')
		});
		return json(report);
	} catch (error) {
		return errorResponse(error);
	}
};
