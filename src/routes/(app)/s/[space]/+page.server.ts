// The space's home: each sheet with its record and field counts.
import { error } from '@sveltejs/kit';
import { isAppError } from '$lib/domain/errors';
import { context } from '$lib/server/context';
import { requireActor } from '$lib/server/http';
import { readSpaceOverview } from '$lib/server/services/read-schema';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	try {
		const overview = await readSpaceOverview({
			context: context(),
			actor: requireActor(locals),
			space: params.space
		});
		return { sheets: overview.types };
	} catch (failure) {
		if (isAppError(failure)) error(failure.status, failure.message);
		throw failure;
	}
};
