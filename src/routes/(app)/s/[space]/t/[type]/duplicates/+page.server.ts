// The review queue of a sheet: its open duplicate pairs in clusters and its latest scan.
// Editors and owners review; viewers and check-in members get a 403 page.
import { error } from '@sveltejs/kit';
import { context } from '$lib/server/context';
import { loadOrError, requireActor } from '$lib/server/http';
import {
	canEditMatchRules,
	canReviewDuplicates,
	getDuplicateQueue,
	latestScan
} from '$lib/server/services/matching';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, parent }) => {
	const { space } = await parent();
	if (!canReviewDuplicates(space.role)) {
		error(403, 'Editors and owners review duplicates; ask an owner for access');
	}
	const scope = {
		context: context(),
		actor: requireActor(locals),
		space: params.space,
		type: params.type
	};
	return loadOrError(async () => {
		const [queue, scan] = await Promise.all([getDuplicateQueue(scope), latestScan(scope)]);
		return { queue, scan, canEditRules: canEditMatchRules(space.role) };
	});
};
