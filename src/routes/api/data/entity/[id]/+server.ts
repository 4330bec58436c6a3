// One record as a flat object keyed by attribute key: { id, type, name, custom_field, ... }.
import { json } from '@sveltejs/kit';
import { context } from '$lib/server/context';
import { errorResponse, readJson, requireActor } from '$lib/server/http';
import {
	deleteRecords,
	findRecordHome,
	getRecord,
	updateRecords
} from '$lib/server/services/records';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ locals, params }) => {
	try {
		return json(
			await getRecord({ context: context(), actor: requireActor(locals), id: params.id })
		);
	} catch (error) {
		return errorResponse(error);
	}
};

export const PATCH: RequestHandler = async ({ locals, params, request }) => {
	try {
		const actor = requireActor(locals);
		const values = (await readJson(request)) as Record<string, unknown>;
		const home = await findRecordHome({ context: context(), actor, id: params.id });
		const result = await updateRecords({
			context: context(),
			actor,
			space: home.spaceId,
			type: home.typeId,
			updates: [{ id: params.id, values }]
		});
		return json(result.updated[0]);
	} catch (error) {
		return errorResponse(error);
	}
};

export const DELETE: RequestHandler = async ({ locals, params }) => {
	try {
		const actor = requireActor(locals);
		const home = await findRecordHome({ context: context(), actor, id: params.id });
		await deleteRecords({
			context: context(),
			actor,
			space: home.spaceId,
			type: home.typeId,
			ids: [params.id]
		});
		return new Response(null, { status: 204 });
	} catch (error) {
		return errorResponse(error);
	}
};
