import { context } from '$lib/server/context';
import * as postgrest from '$lib/server/transports/postgrest';
import type { RequestHandler } from './$types';

const collection = (event: Parameters<RequestHandler>[0]) => ({
	context: context(),
	actor: event.locals.actor,
	space: event.params.space,
	type: event.params.type,
	request: event.request,
	url: event.url
});

export const GET: RequestHandler = (event) => postgrest.readCollection(collection(event));
export const POST: RequestHandler = (event) => postgrest.insertIntoCollection(collection(event));
export const PATCH: RequestHandler = (event) =>
	postgrest.writeCollection({ ...collection(event), isDelete: false });
export const DELETE: RequestHandler = (event) =>
	postgrest.writeCollection({ ...collection(event), isDelete: true });
