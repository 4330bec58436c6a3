// Asks for a password reset link by mail. The answer is the same whether or not the address
// has an account; only a wrong email or the rate limit get their own answers.
import { fail, redirect } from '@sveltejs/kit';
import { isAppError } from '$lib/domain/errors';
import { requestPasswordReset } from '$lib/server/auth/account-mail';
import { context } from '$lib/server/context';
import { formProblem } from '$lib/server/form-problem';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.actor) redirect(303, '/');
	return { email: url.searchParams.get('email') ?? '' };
};

export const actions: Actions = {
	default: async (event) => {
		const form = await event.request.formData();
		const value = form.get('email');
		const email = typeof value === 'string' ? value.trim() : '';
		try {
			const { sentTo } = await requestPasswordReset({
				context: context(),
				input: { email },
				ip: event.getClientAddress()
			});
			return { sentTo };
		} catch (error) {
			if (!isAppError(error)) throw error;
			return fail(error.status, {
				email,
				code: error.code,
				...formProblem(error, { email: 'Email' })
			});
		}
	}
};
