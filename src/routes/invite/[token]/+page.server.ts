import { fail, redirect } from '@sveltejs/kit';
import { isAppError } from '$lib/domain/errors';
import { context } from '$lib/server/context';
import { requireActor } from '$lib/server/http';
import { acceptInvitation } from '$lib/server/services/members';
import type { Actions } from './$types';

// The route guard sends signed-out visitors to sign in (or sign up) and back here.
export const actions: Actions = {
	default: async ({ locals, params }) => {
		let slug: string;
		try {
			({ slug } = await acceptInvitation({
				context: context(),
				actor: requireActor(locals),
				secret: params.token
			}));
		} catch (error) {
			if (isAppError(error)) return fail(error.status, { message: error.message });
			throw error;
		}
		redirect(303, `/?space=${encodeURIComponent(slug)}`);
	}
};
