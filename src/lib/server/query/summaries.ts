// Compiles a view's column summaries into one statement: the view's records once (a CTE), then
// one aggregate per summary over the field's value rows joined to them. Without a filter or a
// search the view is the whole type, and a field's value rows are already exactly its records',
// so the aggregates read the (space, attribute) index alone.
import type { Attribute, EntityType } from '$lib/domain/schema';
import type { RecordQuery } from '$lib/domain/query/ast';
import { summaryColumnOf, type SummaryName } from '$lib/domain/summaries';
import { kindOf } from '$lib/domain/attributes';
import { compileViewWhere } from './compile';
import { Params } from './sql';

export interface SummaryRequest {
	attribute: Attribute;
	summary: SummaryName;
}

/** One row: `total`, then `s0`, `s1`, … in the order of `requests` (null for derived ones). */
export function compileSummaries(options: {
	spaceId: string;
	type: EntityType;
	query: Pick<RecordQuery, 'filter' | 'search'>;
	searchAttributeIds: string[];
	requests: SummaryRequest[];
}): { sql: string; params: unknown[] } {
	const params = new Params();
	const where = compileViewWhere({ ...options, params });
	const isWholeType = !options.query.filter && !options.query.search?.trim();
	const space = '$1';

	const aggregate = ({ attribute, summary }: SummaryRequest): string => {
		const column = summaryColumnOf(attribute.kind);
		if (column === null) return 'null';
		if (summary === 'count' || summary === 'empty' || summary === 'percent_filled') {
			// empty and percent come from filled and the total; count is the total.
			if (summary === 'count') return 'null';
			summary = 'filled';
		}
		if (summary === 'unchecked') summary = 'checked';
		if (column.startsWith('entity_')) {
			const source = kindOf(attribute.kind).entityColumn!;
			const expression = `v.${source}`;
			return `(select ${entityAggregate(summary, expression)} from v)`;
		}
		const value = `x.${column}`;
		const join = isWholeType ? '' : 'join v on v.id = x.entity_id';
		const filled =
			column === 'value_json'
				? `${value} is not null and ${value} <> '[]'::jsonb`
				: column === 'value_text'
					? `${value} is not null and ${value} <> ''`
					: `${value} is not null`;
		return `(select ${valueAggregate(summary, value)} from eav_values x ${join}
		          where x.space_id = ${space} and x.attribute_id = ${params.add(attribute.id)} and ${filled})`;
	};

	const columns = options.requests.map((request, index) => `${aggregate(request)} as s${index}`);
	return {
		sql: `with v as ${isWholeType ? '' : 'materialized '}(
		        select e.id, e.seq, e.created_at, e.updated_at, e.created_by, e.updated_by
		          from entities e where ${where})
		      select (select count(*)::int from v) as total${columns.map((each) => `, ${each}`).join('')}`,
		params: params.values
	};
}

function valueAggregate(summary: SummaryName, value: string): string {
	switch (summary) {
		case 'filled':
			return 'count(*)::int';
		case 'unique':
			return `count(distinct ${value})::int`;
		case 'checked':
			return `count(*) filter (where ${value})::int`;
		case 'sum':
			return `sum(${value})`;
		case 'average':
			return `avg(${value})`;
		case 'min':
		case 'earliest':
			return `min(${value})`;
		case 'max':
		case 'latest':
			return `max(${value})`;
		default:
			return 'null';
	}
}

function entityAggregate(summary: SummaryName, expression: string): string {
	switch (summary) {
		case 'filled':
			return `count(${expression})::int`;
		case 'unique':
			return `count(distinct ${expression})::int`;
		case 'min':
		case 'earliest':
			return `min(${expression})`;
		case 'max':
		case 'latest':
			return `max(${expression})`;
		default:
			return 'null';
	}
}
