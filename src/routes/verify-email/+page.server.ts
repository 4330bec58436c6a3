// The link in a verification mail lands here: opening it confirms the address (single use).
// Signed-in people without a confirmed address also post here for a new link (the banner).
import { fail } from '@sveltejs/kit';
import { isAppError } from '$lib/domain/errors';
import { resendVerification, verifyEmail } from '$lib/server/auth/account-mail';
import { context } from '$lib/server/context';
import { formProblem } from '$lib/server/form-problem';
import { requireActor } from '$lib/server/http';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url, locals }) => {
	const isSignedIn = locals.actor !== null;
	const token = url.searchParams.get('token');
	if (token === null) return { isSignedIn, outcome: null, message: null };
	try {
		await verifyEmail({ context: context(), token });
		return { isSignedIn, outcome: 'verified' as const, message: null };
	} catch (error) {
		if (!isAppError(error)) throw error;
		const message = formProblem(error, { token: 'This link' }).message;
		return { isSignedIn, outcome: 'refused' as const, message };
	}
};

export const actions: Actions = {
	resend: async (event) => {
		try {
			const { sentTo } = await resendVerification({
				context: context(),
				actor: requireActor(event.locals),
				ip: event.getClientAddress()
			});
			return { sentTo };
		} catch (error) {
			if (!isAppError(error)) throw error;
			return fail(error.status, { message: formProblem(error, { email: 'Your email' }).message });
		}
	}
};
