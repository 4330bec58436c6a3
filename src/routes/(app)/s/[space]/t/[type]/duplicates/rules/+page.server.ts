// A sheet's match rules, for its owners; saving and the preview go through the JSON API.
import { error } from '@sveltejs/kit';
import { context } from '$lib/server/context';
import { loadOrError, requireActor } from '$lib/server/http';
import { canEditMatchRules, getMatchRules } from '$lib/server/services/matching';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, parent }) => {
	const { space } = await parent();
	if (!canEditMatchRules(space.role)) error(403, 'Only owners change match rules');
	return loadOrError(async () => ({
		stored: await getMatchRules({
			context: context(),
			actor: requireActor(locals),
			space: params.space,
			type: params.type
		})
	}));
};
