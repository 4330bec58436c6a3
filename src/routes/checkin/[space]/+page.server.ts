// The check-in desk of a space: which type and fields it uses and what the caller may do there.
// The attendee list itself is fetched by the page (and kept on the device) for offline use.
import { error } from '@sveltejs/kit';
import { isAppError } from '$lib/domain/errors';
import { context } from '$lib/server/context';
import { requireActor } from '$lib/server/http';
import { readCheckinSetup } from '$lib/server/services/checkin';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	try {
		const setup = await readCheckinSetup({
			context: context(),
			actor: requireActor(locals),
			space: params.space
		});
		return { setup };
	} catch (failure) {
		if (isAppError(failure)) error(failure.status, failure.message);
		throw failure;
	}
};
