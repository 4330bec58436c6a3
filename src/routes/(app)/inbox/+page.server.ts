// The inbox: the caller's notifications across their spaces. `app:inbox` is invalidated when
// the frame's signals say the count changed, so new items appear without a reload.
import { context } from '$lib/server/context';
import { loadOrError, requireActor } from '$lib/server/http';
import { listInbox } from '$lib/server/services/notifications';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, depends }) => {
	depends('app:inbox');
	return loadOrError(() => listInbox({ context: context(), actor: requireActor(locals) }));
};
