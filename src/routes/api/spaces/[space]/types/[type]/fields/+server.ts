import { json } from '@sveltejs/kit';
import { context } from '$lib/server/context';
import { errorResponse, readJson, requireActor } from '$lib/server/http';
import { addAttribute } from '$lib/server/services/attributes';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async ({ locals, params, request }) => {
	try {
		const input = await readJson(request);
		const field = await addAttribute({
			context: context(),
			actor: requireActor(locals),
			space: params.space,
			type: params.type,
			input
		});
		return json(field, { status: 201 });
	} catch (error) {
		return errorResponse(error);
	}
};
