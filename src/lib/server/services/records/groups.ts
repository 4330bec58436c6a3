// How many records of a filtered view fall in each group of a grouped grid: one GROUP BY over
// the whole view (filter and search as the records query applies them), not over the rows a
// browser happens to have loaded. The groups come in exactly the order the records query walks
// them (the same expressions, directions and null placement), so the grid can tell from the
// counts alone which record offsets each group spans.
import { kindOf } from '$lib/domain/attributes';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import { MAX_GROUPS, type GroupCount, type GroupValue } from '$lib/domain/group-counts';
import type { RecordQuery } from '$lib/domain/query/ast';
import { checkQueryFields } from '$lib/domain/query/validate';
import { groupableKinds, MAX_GROUP_LEVELS } from '$lib/domain/view-config';
import type { Actor } from '../../auth/actor';
import type { AppContext } from '../../context';
import { escapeLike, FilterCompiler, resolveField, resolveSort } from '../../query/compile';
import { Params } from '../../query/sql';
import { findEntityType } from '../schema';
import { inSpace } from '../scope';

export interface GroupCounts {
	/** Leaf groups in the order the records query returns their records. */
	groups: GroupCount[];
	total: number;
}

export async function countGroups(options: {
	context: AppContext;
	actor: Actor;
	space: string;
	type: string;
	query: RecordQuery;
	groupBy: string[];
}): Promise<GroupCounts> {
	const { context, actor, query, groupBy } = options;
	return inSpace(context, actor, options.space, async ({ tx, space, types }) => {
		const type = findEntityType(types, options.type);
		checkQueryFields(query, new Set(['id', ...type.attributes.map((attribute) => attribute.key)]));
		if (groupBy.length === 0 || groupBy.length > MAX_GROUP_LEVELS)
			throw new AppError(
				AppErrorCode.InvalidInput,
				`Name 1 to ${MAX_GROUP_LEVELS} fields to group by`,
				{ field: 'group' }
			);
		groupBy.forEach((key, index) => {
			const attribute = type.attributes.find((candidate) => candidate.key === key);
			if (!attribute || !groupableKinds.includes(attribute.kind))
				throw new AppError(
					AppErrorCode.InvalidInput,
					attribute
						? `${attribute.name} (${kindOf(attribute.kind).label}) cannot be grouped by`
						: `"${type.key}" has no field "${key}"`,
					{ field: 'group' }
				);
			if (groupBy.indexOf(key) !== index)
				throw new AppError(AppErrorCode.InvalidInput, `Groups by "${key}" twice`, {
					field: 'group'
				});
		});

		const params = new Params();
		// The space goes first: the search function below reads it as $1.
		const where = [
			`e.space_id = ${params.add(space.id)}`,
			`e.entity_type_id = ${params.add(type.id)}`
		];
		const search = query.search?.trim();
		if (search) {
			const searchIds = type.attributes
				.filter((attribute) => kindOf(attribute.kind).isSearchable)
				.map((attribute) => attribute.id);
			where.push(`e.id in (select entity_id from app_search_entity_ids($1, ${params.add(searchIds)},
			   ${params.add(`%${escapeLike(search)}%`)}))`);
		}
		if (query.filter) where.push(`(${new FilterCompiler(type, params).compile(query.filter)})`);

		// Each level sorts as the records query sorts it: the view's own key on that field, or
		// ascending, with the records query's rule for where empty values go.
		const sorts = resolveSort(
			type,
			groupBy.map(
				(field) => query.sort?.find((key) => key.field === field) ?? { field, direction: 'asc' }
			)
		);
		const joins: string[] = [];
		const expressions = sorts.map((sort, index) => {
			const ref = resolveField(type, sort.key.field);
			if (ref.type === 'entity') return `e.${ref.column}`;
			joins.push(
				`left join eav_values g${index} on g${index}.entity_id = e.id and g${index}.attribute_id = ${params.add(ref.attribute.id)}`
			);
			return `g${index}.${ref.column}`;
		});
		const select = expressions.map((sql, index) => `${sql} as g${index}`).join(', ');
		const order = sorts
			.map(
				(sort, index) =>
					`${expressions[index]} ${sort.key.direction} nulls ${sort.nullsFirst ? 'first' : 'last'}`
			)
			.join(', ');
		const { rows } = await tx.query<Record<string, GroupValue | number>>(
			`select ${select}, count(*)::int as count
			   from entities e ${joins.join(' ')}
			  where ${where.join(' and ')}
			  group by ${expressions.join(', ')}
			  order by ${order}
			  limit ${params.add(MAX_GROUPS + 1)}`,
			params.values
		);
		if (rows.length > MAX_GROUPS)
			throw new AppError(
				AppErrorCode.LimitExceeded,
				`These fields make more than ${MAX_GROUPS} groups; group by a field with fewer values`,
				{ field: 'group' }
			);
		const groups = rows.map((row) => ({
			values: expressions.map((_, index) => row[`g${index}`] as GroupValue),
			count: row.count as number
		}));
		return { groups, total: groups.reduce((sum, group) => sum + group.count, 0) };
	});
}
