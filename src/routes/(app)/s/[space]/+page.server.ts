// The space's home: each sheet with its record and field counts.
import { context } from '$lib/server/context';
import { loadOrError, requireActor } from '$lib/server/http';
import { readSpaceOverview } from '$lib/server/services/read-schema';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	return loadOrError(async () => {
		const overview = await readSpaceOverview({
			context: context(),
			actor: requireActor(locals),
			space: params.space
		});
		return { sheets: overview.types };
	});
};
