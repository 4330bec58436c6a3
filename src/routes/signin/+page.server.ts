import { fail, redirect } from '@sveltejs/kit';
import {
	oauthProviders,
	safeRedirect,
	SignInFailed,
	signInWithPassword,
	signInWithProvider
} from '$lib/server/auth/auth';
import { context } from '$lib/server/context';
import type { Actions, PageServerLoad } from './$types';

// Errors Auth.js reports by redirecting back here (`?error=...`) after an OAuth attempt.
const providerErrors: Record<string, string> = {
	AccessDenied:
		'That account could not be used: its email address is not verified by the provider.',
	OAuthAccountNotLinked: 'Sign in the way you did before, then try again.'
};

export const load: PageServerLoad = ({ locals, url }) => {
	const redirectTo = safeRedirect(url.searchParams.get('redirectTo'));
	if (locals.actor) redirect(303, redirectTo);
	const error = url.searchParams.get('error');
	return {
		redirectTo,
		isPasswordChanged: url.searchParams.get('notice') === 'password-changed',
		providers: oauthProviders(context().config),
		providerError: error
			? (providerErrors[error] ?? 'Signing in with that provider did not work. Please try again.')
			: null
	};
};

const text = (form: FormData, name: string) => {
	const value = form.get(name);
	return typeof value === 'string' ? value : '';
};

export const actions: Actions = {
	password: async (event) => {
		const form = await event.request.formData();
		const email = text(form, 'email').trim();
		const password = text(form, 'password');
		const redirectTo = safeRedirect(text(form, 'redirectTo'));
		if (!email) return fail(400, { email, field: 'email', message: 'Enter your email address.' });
		if (!password) {
			return fail(400, { email, field: 'password', message: 'Enter your password.' });
		}
		try {
			// Redirects to `redirectTo` when the credentials are right.
			await signInWithPassword(event, { email, password, redirectTo });
		} catch (error) {
			if (!(error instanceof SignInFailed)) throw error;
			if (error.code === 'rate_limited') {
				const wait = error.retryAfterSeconds ? `${error.retryAfterSeconds} seconds` : 'a minute';
				event.setHeaders({ 'retry-after': String(error.retryAfterSeconds ?? 60) });
				return fail(429, {
					email,
					field: null,
					message: `Too many sign-in attempts. Wait ${wait} and try again.`
				});
			}
			if (error.code === 'invalid_input') {
				return fail(400, { email, field: 'email', message: 'Enter a valid email address.' });
			}
			return fail(400, {
				email,
				field: null,
				message: 'That email and password do not match an account.'
			});
		}
		redirect(303, redirectTo);
	},

	oauth: async (event) => {
		const form = await event.request.formData();
		const provider = oauthProviders(context().config).find(
			(candidate) => candidate.id === text(form, 'provider')
		);
		if (!provider)
			return fail(400, { email: '', field: null, message: 'Unknown sign-in provider.' });
		// Redirects to the provider.
		await signInWithProvider(event, provider.id, safeRedirect(text(form, 'redirectTo')));
	}
};
