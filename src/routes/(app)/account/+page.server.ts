// The signed-in person's account: who they are, a new password, and where they are signed in
// (end one session, or all of them).
import { fail } from '@sveltejs/kit';
import { isAppError } from '$lib/domain/errors';
import { changePassword, getAccount } from '$lib/server/auth/account';
import { signOut } from '$lib/server/auth/auth';
import { endAllSessions, endSession, listSessions } from '$lib/server/auth/sessions';
import { context } from '$lib/server/context';
import { formProblem } from '$lib/server/form-problem';
import { loadOrError, requireActor } from '$lib/server/http';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals }) =>
	loadOrError(async () => {
		const actor = requireActor(locals);
		const [account, sessions] = await Promise.all([
			getAccount({ context: context(), actor }),
			listSessions({ context: context(), actor })
		]);
		return { account, sessions };
	});

const text = (form: FormData, name: string) => {
	const value = form.get(name);
	return typeof value === 'string' ? value : '';
};

const labels = { currentPassword: 'Current password', newPassword: 'New password', id: 'Session' };

export const actions: Actions = {
	changePassword: async ({ locals, request }) => {
		const form = await request.formData();
		try {
			await changePassword({
				context: context(),
				actor: requireActor(locals),
				input: {
					currentPassword: text(form, 'currentPassword'),
					newPassword: text(form, 'newPassword')
				}
			});
			return { action: 'changePassword' as const, isChanged: true };
		} catch (failure) {
			if (!isAppError(failure)) throw failure;
			return fail(failure.status, { action: 'changePassword', ...formProblem(failure, labels) });
		}
	},

	endSession: async (event) => {
		const form = await event.request.formData();
		const id = text(form, 'id').trim();
		const actor = requireActor(event.locals);
		try {
			await endSession({ context: context(), actor, id });
		} catch (failure) {
			if (!isAppError(failure)) throw failure;
			return fail(failure.status, { action: 'endSession', id, ...formProblem(failure, labels) });
		}
		// Ending the session in use is signing out.
		if (id === actor.sessionId) await signOut(event);
		return { action: 'endSession' as const, id };
	},

	endAllSessions: async (event) => {
		try {
			await endAllSessions({ context: context(), actor: requireActor(event.locals) });
		} catch (failure) {
			if (!isAppError(failure)) throw failure;
			return fail(failure.status, { action: 'endAllSessions', ...formProblem(failure, labels) });
		}
		await signOut(event);
	}
};
