// Every page of a space gets the space (with the caller's role) and the record types the
// caller may see, fields included. Schema changes invalidate it through `depends`.
import { context } from '$lib/server/context';
import { redirect } from '@sveltejs/kit';
import { loadOrError, requireActor } from '$lib/server/http';
import { readSchema } from '$lib/server/services/read-schema';
import { LAST_SPACE_COOKIE } from '$lib/cookies';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals, params, depends, cookies, url }) => {
	depends('app:schema');
	const loaded = await loadOrError(async () => {
		const { space, types } = await readSchema({
			context: context(),
			actor: requireActor(locals),
			space: params.space
		});
		// `/` opens the space the user was in last.
		cookies.set(LAST_SPACE_COOKIE, space.slug, {
			path: '/',
			httpOnly: true,
			sameSite: 'lax',
			// Like the session cookie: Secure when served over https (SvelteKit's default would
			// also mark it on plain http under any name but localhost).
			secure: url.protocol === 'https:',
			maxAge: 60 * 60 * 24 * 365
		});
		return { space, types };
	});
	// Door staff work at the desk: the workspace has nothing for them (no views, no overview),
	// so every page of the space sends them there, as signing in does.
	if (loaded.space.role === 'checkin') {
		redirect(303, `/checkin/${encodeURIComponent(loaded.space.slug)}`);
	}
	return loaded;
};
