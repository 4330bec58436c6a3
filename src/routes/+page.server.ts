import { fail } from '@sveltejs/kit';
import { isAppError } from '$lib/domain/errors';
import { createApiToken, listApiTokens } from '$lib/server/auth/api-tokens';
import { context } from '$lib/server/context';
import { requireActor } from '$lib/server/http';
import { readSpaceOverview } from '$lib/server/services/read-schema';
import { listSpaces } from '$lib/server/services/spaces';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const actor = requireActor(locals);
	const spaces = await listSpaces({ context: context(), actor });
	const chosen = spaces.find((space) => space.slug === url.searchParams.get('space')) ?? spaces[0];
	if (!chosen) return { spaces, overview: null, tokens: [] };
	const [overview, tokens] = await Promise.all([
		readSpaceOverview({ context: context(), actor, space: chosen.slug }),
		listApiTokens({ context: context(), actor, space: chosen.slug })
	]);
	return { spaces, overview, tokens };
};

export const actions: Actions = {
	createToken: async ({ locals, request }) => {
		const form = await request.formData();
		const space = String(form.get('space') ?? '');
		try {
			const token = await createApiToken({
				context: context(),
				actor: requireActor(locals),
				space,
				input: { name: String(form.get('name') ?? ''), role: String(form.get('role') ?? '') }
			});
			return { secret: token.secret, tokenName: token.name };
		} catch (error) {
			if (isAppError(error))
				return fail(error.status, { message: error.message, field: error.field });
			throw error;
		}
	}
};
