import { fail, redirect } from '@sveltejs/kit';
import { isAppError } from '$lib/domain/errors';
import { safeRedirect } from '$lib/server/auth/auth';
import { signUp } from '$lib/server/auth/users';
import { context } from '$lib/server/context';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
	const redirectTo = safeRedirect(url.searchParams.get('redirectTo'));
	if (locals.actor) redirect(303, redirectTo);
	return { redirectTo };
};

const labels: Record<string, string> = { name: 'Name', email: 'Email', password: 'Password' };

const text = (form: FormData, name: string) => {
	const value = form.get(name);
	return typeof value === 'string' ? value : '';
};

export const actions: Actions = {
	default: async (event) => {
		const form = await event.request.formData();
		const name = text(form, 'name');
		const email = text(form, 'email');
		const password = text(form, 'password');
		try {
			// A new account and a taken email get the same answer; only the mail differs.
			await signUp({
				context: context(),
				input: { name, email, password },
				ip: event.getClientAddress()
			});
		} catch (error) {
			if (!isAppError(error)) throw error;
			// One message per field, worded for people: "Password must be at least 8 characters".
			const errors: Record<string, string> = {};
			const issues = Array.isArray(error.details)
				? (error.details as { field: string; message: string }[])
				: [];
			for (const issue of issues) {
				errors[issue.field] ??= `${labels[issue.field] ?? issue.field} ${issue.message}.`;
			}
			if (error.field && !errors[error.field]) errors[error.field] = `${error.message}.`;
			const message = Object.keys(errors).length ? null : error.message;
			return fail(error.status, { name, email, errors, message });
		}
		return { sentTo: email.trim() };
	}
};
