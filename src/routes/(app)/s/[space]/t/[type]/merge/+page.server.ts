// Records side by side before a merge (?ids=a,b[,...]): editors and owners only.
import { error } from '@sveltejs/kit';
import { canWriteRecords } from '$lib/domain/roles';
import { context } from '$lib/server/context';
import { loadOrError, requireActor } from '$lib/server/http';
import { listMembers } from '$lib/server/services/members';
import { previewMerge } from '$lib/server/services/merge';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, parent, url }) => {
	const actor = requireActor(locals);
	const { space } = await parent();
	if (!canWriteRecords(space.role)) error(403, 'Only editors and owners merge records');
	return loadOrError(async () => {
		const [preview, { members }] = await Promise.all([
			previewMerge({
				context: context(),
				actor,
				space: space.id,
				type: params.type,
				input: { ids: url.searchParams.get('ids') ?? undefined }
			}),
			listMembers({ context: context(), actor, space: space.id })
		]);
		return {
			preview,
			members: members.map(({ userId, name, email }) => ({ userId, name, email }))
		};
	});
};
