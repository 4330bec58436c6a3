// The grid of one sheet: its saved views (when the URL names one), the first page of rows with
// the count, and the space's members, read together so the first rows arrive with the page.
// Later pages come from the REST collection as the grid scrolls.
import { error } from '@sveltejs/kit';
import { isAppError } from '$lib/domain/errors';
import { PAGE_SIZE, type FirstPage, type RecordRow } from '$lib/domain/record-page';
import type { MemberIdentity } from '$lib/domain/schema';
import { effectiveConfig, serverFilter, viewSort } from '$lib/domain/view-query';
import { viewFromUrl, VIEW_PARAMETER } from '$lib/domain/view-url';
import type { SavedView, ViewConfig } from '$lib/domain/views';
import { context } from '$lib/server/context';
import { requireActor } from '$lib/server/http';
import { listMembers } from '$lib/server/services/members';
import type { GroupCount } from '$lib/domain/group-counts';
import { queryRecords } from '$lib/server/services/records';
import { countGroups } from '$lib/server/services/records/groups';
import { listViews } from '$lib/server/services/views';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, parent, url, untrack }) => {
	const actor = requireActor(locals);
	const { types } = await parent();
	const type = types.find((candidate) => candidate.key === params.type);
	if (!type) error(404, `This space has no sheet "${params.type}"`);
	const scope = { context: context(), actor, space: params.space };

	// The view bar follows ?view= itself once the page runs; the load reads it only once.
	const viewId = untrack(() => url.searchParams.get(VIEW_PARAMETER));
	let views: SavedView[] | undefined;
	let config: ViewConfig = {};
	if (viewId) {
		views = await listViews({ ...scope, type: type.key }).catch(() => undefined);
		if (views)
			config = viewFromUrl(
				untrack(() => url),
				views,
				type
			).config;
	}
	const query = effectiveConfig(config, type.attributes);
	const recordQuery = {
		filter: serverFilter(query.filter) ?? undefined,
		sort: viewSort(query),
		search: query.search?.trim() || undefined
	};

	const [page, members, groupCounts] = await Promise.all([
		queryRecords({
			...scope,
			type: type.key,
			query: { ...recordQuery, limit: PAGE_SIZE },
			count: true
		}).then(
			(result): { firstPage: FirstPage; loadError: null } => ({
				firstPage: {
					rows: result.records.map(({ type: _type, ...row }) => row as RecordRow),
					total: result.total ?? result.records.length
				},
				loadError: null
			}),
			(failure: unknown) => {
				if (!isAppError(failure)) throw failure;
				return { firstPage: null, loadError: failure.message };
			}
		),
		listMembers(scope).then(
			({ members }): MemberIdentity[] =>
				members.map(({ userId, name, email }) => ({ userId, name, email })),
			() => []
		),
		// A grouped view's counts come with its first rows, so it opens grouped; the grid asks
		// again (and says why) if they could not be read here.
		query.groupBy?.length
			? countGroups({ ...scope, type: type.key, query: recordQuery, groupBy: query.groupBy }).then(
					(counted): GroupCount[] | null => counted.groups,
					() => null
				)
			: null
	]);

	return { type, views, config, members, groupCounts, ...page };
};
