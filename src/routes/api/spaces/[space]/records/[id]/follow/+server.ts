// Following a record as the caller: GET answers { isFollowing }, PUT follows, DELETE unfollows.
import { context } from '$lib/server/context';
import { requireActor, respond } from '$lib/server/http';
import { isFollowing, setFollowing } from '$lib/server/services/follows';
import type { RequestHandler } from './$types';

const onRecord = (locals: App.Locals, params: { space: string; id: string }) => ({
	context: context(),
	actor: requireActor(locals),
	space: params.space,
	id: params.id
});

export const GET: RequestHandler = ({ locals, params }) =>
	respond(async () => ({ isFollowing: await isFollowing(onRecord(locals, params)) }));

export const PUT: RequestHandler = ({ locals, params }) =>
	respond(async () => ({
		isFollowing: await setFollowing({ ...onRecord(locals, params), isFollowing: true })
	}));

export const DELETE: RequestHandler = ({ locals, params }) =>
	respond(async () => ({
		isFollowing: await setFollowing({ ...onRecord(locals, params), isFollowing: false })
	}));
