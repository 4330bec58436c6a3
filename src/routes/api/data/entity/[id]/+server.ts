// One record as a flat object keyed by attribute key: { id, type, name, custom_field, ... }.
import { context } from '$lib/server/context';
import { readJson, requireActor, respond } from '$lib/server/http';
import {
	deleteRecords,
	findRecordHome,
	getRecord,
	updateRecords
} from '$lib/server/services/records';
import { possibleDuplicatesHeader } from '$lib/server/services/matching/on-write';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ locals, params }) =>
	respond(() => getRecord({ context: context(), actor: requireActor(locals), id: params.id }));

export const PATCH: RequestHandler = async ({ locals, params, request }) => {
	let warning: Record<string, string> = {};
	const response = await respond(async () => {
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
		warning = possibleDuplicatesHeader(result.possibleDuplicates);
		return result.updated[0];
	});
	for (const [name, value] of Object.entries(warning)) response.headers.set(name, value);
	return response;
};

export const DELETE: RequestHandler = ({ locals, params }) =>
	respond(async () => {
		const actor = requireActor(locals);
		const home = await findRecordHome({ context: context(), actor, id: params.id });
		await deleteRecords({
			context: context(),
			actor,
			space: home.spaceId,
			type: home.typeId,
			ids: [params.id]
		});
	});
