// Members of a space: everyone sees the list; owners invite (the invitee gets the link by mail,
// and the owner sees it too, to pass on another way) and withdraw invitations, change roles and
// remove people. The services check the role.
import { fail, isActionFailure, redirect } from '@sveltejs/kit';
import { isAppError } from '$lib/domain/errors';
import { formProblem } from '$lib/server/form-problem';
import { context } from '$lib/server/context';
import { loadOrError, requireActor } from '$lib/server/http';
import {
	changeMemberRole,
	inviteMember,
	listMembers,
	removeMember,
	revokeInvitation
} from '$lib/server/services/members';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	const actor = requireActor(locals);
	return loadOrError(async () => {
		const { members, invitations } = await listMembers({
			context: context(),
			actor,
			space: params.space
		});
		return { members, invitations, currentUserId: actor.userId };
	});
};

const text = (form: FormData, name: string) => {
	const value = form.get(name);
	return typeof value === 'string' ? value.trim() : '';
};

/** Runs one action; an expected error comes back as a failure naming its field. */
async function attempt<T, A extends string, E extends Record<string, string>>(
	action: A,
	extra: E,
	work: () => Promise<T>
) {
	try {
		return await work();
	} catch (failure) {
		if (!isAppError(failure)) throw failure;
		const problem = formProblem(failure, { email: 'Email', role: 'Role' });
		return fail(failure.status, { action, ...extra, ...problem });
	}
}

export const actions: Actions = {
	invite: async ({ locals, params, request, url }) => {
		const form = await request.formData();
		const email = text(form, 'email');
		const role = text(form, 'role');
		return attempt('invite', { email, role }, async () => {
			const invitation = await inviteMember({
				context: context(),
				actor: requireActor(locals),
				space: params.space,
				input: { email, role }
			});
			return {
				action: 'invite' as const,
				invited: {
					email: invitation.email,
					role: invitation.role,
					link: new URL(invitation.invitePath, url.origin).href
				}
			};
		});
	},

	revoke: async ({ locals, params, request }) => {
		const form = await request.formData();
		const invitationId = text(form, 'invitationId');
		return attempt('revoke', { invitationId }, async () => {
			const { email } = await revokeInvitation({
				context: context(),
				actor: requireActor(locals),
				space: params.space,
				invitationId
			});
			return { action: 'revoke' as const, revoked: email };
		});
	},

	role: async ({ locals, params, request }) => {
		const form = await request.formData();
		const userId = text(form, 'userId');
		const role = text(form, 'role');
		return attempt('role', { userId }, async () => {
			await changeMemberRole({
				context: context(),
				actor: requireActor(locals),
				space: params.space,
				userId,
				input: { role }
			});
			return { action: 'role' as const, userId, changedTo: role };
		});
	},

	remove: async ({ locals, params, request }) => {
		const form = await request.formData();
		const userId = text(form, 'userId');
		const actor = requireActor(locals);
		const result = await attempt('remove', { userId }, async () => {
			await removeMember({ context: context(), actor, space: params.space, userId });
			return { action: 'remove' as const, userId };
		});
		// Whoever leaves a space can no longer see it.
		if (userId === actor.userId && !isActionFailure(result)) redirect(303, '/');
		return result;
	}
};
