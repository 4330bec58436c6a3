// A record as a full page: the record (through getRecord, under the caller's policies) and the
// space's members for user fields and @mentions. A record of another type is redirected to its
// own address, an id merged away to its survivor; one that is missing or in another space is a
// 404 with the way back.
import { error, redirect } from '@sveltejs/kit';
import { resolve } from '$app/paths';
import { context } from '$lib/server/context';
import { loadOrError, requireActor } from '$lib/server/http';
import { listMembers } from '$lib/server/services/members';
import { findSurvivor } from '$lib/server/services/merge';
import { findRecordHome, getRecord } from '$lib/server/services/records';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, parent }) => {
	const actor = requireActor(locals);
	const { space, types } = await parent();
	if (space.role === 'checkin') {
		error(403, 'Check-in staff open guests at the check-in desk, not as records');
	}
	return loadOrError(async () => {
		const home = await findRecordHome({ context: context(), actor, id: params.id }).catch(
			async (failure) => {
				// An id merged away leads to its survivor, which says where the visitor came from.
				const moved = await findSurvivor({ context: context(), actor, id: params.id });
				const type = types.find((candidate) => candidate.id === moved?.typeId);
				if (!moved || moved.spaceId !== space.id || !type) throw failure;
				const survivor = resolve('/(app)/s/[space]/t/[type]/r/[id]', {
					space: space.slug,
					type: type.key,
					id: moved.survivorId
				});
				redirect(307, `${survivor}?merged_from=${params.id}`);
			}
		);
		const type = types.find((candidate) => candidate.id === home.typeId);
		if (home.spaceId !== space.id || !type) error(404, `Record ${params.id} not found`);
		if (type.key !== params.type) {
			redirect(
				307,
				resolve('/(app)/s/[space]/t/[type]/r/[id]', {
					space: space.slug,
					type: type.key,
					id: params.id
				})
			);
		}
		const [record, { members }] = await Promise.all([
			getRecord({ context: context(), actor, id: params.id }),
			listMembers({ context: context(), actor, space: space.id })
		]);
		return {
			record,
			members: members.map(({ userId, name, email }) => ({ userId, name, email }))
		};
	});
};
