import { parsePostgrestQuery } from '$lib/domain/query/postgrest';
import { refuseUnstorableText } from '$lib/domain/text';
import { context } from '$lib/server/context';
import { requireActor, respond } from '$lib/server/http';
import { countGroups } from '$lib/server/services/records/groups';
import type { RequestHandler } from './$types';

/**
 * Record counts per group of a grouped grid view: `group=<field>,<field>` plus the same
 * filter, `order` and `search` parameters the view's records query sends to the REST API.
 */
export const GET: RequestHandler = ({ locals, params, url }) =>
	respond(async () => {
		for (const [name, value] of url.searchParams) {
			refuseUnstorableText(name, 'query');
			refuseUnstorableText(value, name);
		}
		const query = parsePostgrestQuery(url.searchParams, { reserved: ['search', 'group'] });
		query.search = url.searchParams.get('search') ?? undefined;
		const group = url.searchParams.get('group') ?? '';
		return countGroups({
			context: context(),
			actor: requireActor(locals),
			space: params.space,
			type: params.type,
			query,
			groupBy: group.split(',').filter(Boolean)
		});
	});
