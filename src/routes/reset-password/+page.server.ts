// The link in a password reset mail lands here: a new password, then sign in with it. The
// link is checked on arrival, so an expired one says so before a password is typed.
import { fail, redirect } from '@sveltejs/kit';
import { isAppError } from '$lib/domain/errors';
import { resetLinkState, resetPassword } from '$lib/server/auth/account-mail';
import { context } from '$lib/server/context';
import { formProblem } from '$lib/server/form-problem';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url }) => {
	const token = url.searchParams.get('token') ?? '';
	return { token, state: await resetLinkState({ context: context(), token }) };
};

export const actions: Actions = {
	default: async ({ request }) => {
		const form = await request.formData();
		const field = (name: string) => {
			const value = form.get(name);
			return typeof value === 'string' ? value : '';
		};
		try {
			await resetPassword({
				context: context(),
				input: { token: field('token'), password: field('password') }
			});
		} catch (error) {
			if (!isAppError(error)) throw error;
			return fail(error.status, {
				code: error.code,
				...formProblem(error, { token: 'This link', password: 'The new password' })
			});
		}
		redirect(303, '/signin?notice=password-changed');
	}
};
