// The space's webhooks, for its owners; changes go through the JSON API from the page.
import { error } from '@sveltejs/kit';
import { isAppError } from '$lib/domain/errors';
import { context } from '$lib/server/context';
import { requireActor } from '$lib/server/http';
import { listWebhooks } from '$lib/server/services/webhooks';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	try {
		return {
			webhooks: await listWebhooks({
				context: context(),
				actor: requireActor(locals),
				space: params.space
			})
		};
	} catch (failure) {
		if (isAppError(failure)) error(failure.status, failure.message);
		throw failure;
	}
};
