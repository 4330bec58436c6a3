// The board of a sheet: its columns and cards (filtered by assignee from the URL), the space's
// members for names and the filter, the sheet's saved board views, and who is looking (for "My
// tasks" and live highlights). The columns come from `?field=`, else the view named by `?view=`,
// else the first single select. Live changes re-run this through `invalidate('app:board')`.
import { canReadAll } from '$lib/domain/roles';
import { context } from '$lib/server/context';
import { loadOrError, requireActor } from '$lib/server/http';
import { listMembers } from '$lib/server/services/members';
import { readBoard } from '$lib/server/services/records/board';
import { listViews } from '$lib/server/services/views';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url, depends, parent }) => {
	depends('app:board');
	const actor = requireActor(locals);
	const { space } = await parent();
	return loadOrError(async () => {
		const views = canReadAll(space.role)
			? (
					await listViews({ context: context(), actor, space: params.space, type: params.type })
				).filter((view) => view.kind === 'board')
			: [];
		const view = views.find((each) => each.id === url.searchParams.get('view')) ?? null;
		const assignee = url.searchParams.get('assignee');
		const [board, { members }] = await Promise.all([
			readBoard({
				context: context(),
				actor,
				space: params.space,
				type: params.type,
				input: {
					field: url.searchParams.get('field') ?? view?.config.boardField ?? null,
					assignee: assignee === 'me' ? actor.userId : assignee || null
				}
			}),
			listMembers({ context: context(), actor, space: params.space })
		]);
		return {
			board,
			views,
			view,
			members: members.map((member) => ({ id: member.userId, name: member.name || member.email })),
			me: actor.userId
		};
	});
};
