// The check-in desk of a space: which type and fields it uses and what the caller may do there.
// The attendee list itself is fetched by the page (and kept on the device) for offline use.
import { context } from '$lib/server/context';
import { loadOrError, requireActor } from '$lib/server/http';
import { readCheckinSetup } from '$lib/server/services/checkin';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	return loadOrError(async () => {
		const setup = await readCheckinSetup({
			context: context(),
			actor: requireActor(locals),
			space: params.space
		});
		return { setup };
	});
};
