import { context } from '$lib/server/context';
import { readJson, requireActor, respond } from '$lib/server/http';
import { inviteMember, listMembers } from '$lib/server/services/members';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ locals, params }) =>
	respond(() =>
		listMembers({ context: context(), actor: requireActor(locals), space: params.space })
	);

export const POST: RequestHandler = ({ locals, params, request, url }) =>
	respond(
		async () => {
			const invitation = await inviteMember({
				context: context(),
				actor: requireActor(locals),
				space: params.space,
				input: await readJson(request)
			});
			return { ...invitation, inviteUrl: new URL(invitation.invitePath, url.origin).toString() };
		},
		{ status: 201 }
	);
