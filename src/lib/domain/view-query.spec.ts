import { describe, expect, it } from 'vitest';
import type { EntityType } from '$lib/domain/schema';
import { compilePage } from '$lib/server/query/compile';
import type { FilterNode, RecordQuery } from './query/ast';
import { parsePostgrestQuery } from './query/postgrest';
import {
	completeFilter,
	serverFilter,
	viewQueryParams,
	viewQueryString,
	viewSort
} from './view-query';
import type { ViewConfig } from './views';

/** What the REST endpoint reads from the URL the grid sends (transports/postgrest.ts). */
function serverReads(config: ViewConfig): RecordQuery {
	const search = new URLSearchParams(viewQueryString(config));
	const query = parsePostgrestQuery(search, { reserved: ['search', 'cursor'] });
	query.search = search.get('search') ?? undefined;
	return query;
}

const attribute = (key: string, kind: string, options: Record<string, unknown> = {}) => ({
	id: `00000000-0000-4000-8000-${String(key.length).padStart(4, '0')}${key
		.split('')
		.map((char) => char.charCodeAt(0) % 10)
		.join('')
		.padEnd(8, '0')
		.slice(0, 8)}`,
	entityTypeId: '00000000-0000-4000-8000-000000000001',
	key,
	name: key,
	kind,
	options,
	position: 0,
	isRequired: false,
	isUnique: false,
	checkinAccess: 'none'
});

const people = {
	id: '00000000-0000-4000-8000-000000000001',
	spaceId: '00000000-0000-4000-8000-000000000002',
	key: 'people',
	name: 'People',
	position: 0,
	attributes: [
		attribute('name', 'text'),
		attribute('age', 'number'),
		attribute('joined', 'date'),
		attribute('vip', 'checkbox'),
		attribute('status', 'single_select', {
			choices: [
				{ id: 'a', name: 'Active', color: 'green' },
				{ id: 'b', name: 'On hold, maybe', color: 'gray' }
			]
		}),
		attribute('tags', 'multi_select', {
			choices: [
				{ id: 'x', name: 'Press', color: 'blue' },
				{ id: 'y', name: 'Speaker "A"', color: 'red' }
			]
		}),
		attribute('columns', 'text')
	]
} as unknown as EntityType;

const condition = (
	field: string,
	operator: string,
	value?: string | string[],
	negate?: boolean
): FilterNode =>
	({
		type: 'condition',
		field,
		operator,
		...(value !== undefined && { value }),
		...(negate && { negate })
	}) as FilterNode;

const and = (...children: FilterNode[]): FilterNode => ({ type: 'and', children });
const or = (...children: FilterNode[]): FilterNode => ({ type: 'or', children });

/** Text that collides with every character the grammar gives a meaning. */
const awkward = [
	'plain',
	'a,b',
	'(paren)',
	'close)',
	'quote"d',
	'back\\slash',
	'dots.in.it',
	'eq.5',
	'not.x',
	'{brace}',
	' spaced ',
	'Zoë 🎉 東京',
	'%_percent_under%',
	'and(x.eq.1)',
	'=&?#+'
];

describe('viewQueryParams round-trips through the PostgREST parser', () => {
	const cases: [string, FilterNode][] = [
		['one condition', condition('age', 'gt', '18')],
		[
			'several top-level conditions',
			and(condition('age', 'gte', '18'), condition('name', 'eq', 'Ada'))
		],
		[
			'negated conditions',
			and(condition('age', 'lt', '5', true), condition('name', 'eq', 'x', true))
		],
		['an or group', or(condition('age', 'lt', '18'), condition('age', 'gt', '65'))],
		[
			'nested groups',
			and(
				condition('vip', 'eq', 'true'),
				or(
					condition('status', 'in', ['Active', 'On hold, maybe']),
					and(condition('age', 'gte', '30'), condition('joined', 'lt', '2026-01-01'))
				)
			)
		],
		[
			'a negated group',
			{
				type: 'or',
				negate: true,
				children: [condition('age', 'eq', '1'), condition('age', 'eq', '2')]
			}
		],
		[
			'a negated group inside a tree',
			or(condition('age', 'eq', '1'), {
				type: 'and',
				negate: true,
				children: [condition('vip', 'eq', 'true')]
			})
		],
		[
			'emptiness',
			and(
				condition('age', 'is_empty'),
				or(condition('name', 'is_not_empty'), condition('joined', 'is_empty'))
			)
		],
		[
			'list membership',
			and(
				condition('tags', 'contains', ['Press', 'Speaker "A"']),
				condition('tags', 'in', ['Press'])
			)
		],
		[
			'list membership in a tree',
			or(
				condition('tags', 'contains', ['Speaker "A"']),
				condition('status', 'in', ['On hold, maybe'], true)
			)
		],
		[
			'substring and prefix',
			and(
				condition('name', 'contains', 'jo'),
				or(condition('name', 'starts_with', 'A'), condition('name', 'contains', 'x', true))
			)
		],
		['like patterns', or(condition('name', 'like', 'A%'), condition('name', 'ilike', '%b_c%'))],
		['a field named like a parameter', condition('columns', 'eq', 'x')],
		[
			'a parameter-named field among others',
			and(condition('columns', 'eq', 'x'), condition('age', 'eq', '3'))
		]
	];

	it.each(cases)('%s', (_name, filter) => {
		const read = serverReads({ filter });
		expect(read.filter).toEqual(serverFilter(filter));
	});

	it.each(awkward)('keeps the value %j exact at the top level and inside trees', (text) => {
		const filter = and(
			condition('name', 'eq', text),
			or(condition('name', 'neq', text), condition('status', 'in', [text, 'b'])),
			condition('tags', 'contains', [text])
		);
		expect(serverReads({ filter }).filter).toEqual(filter);
		expect(
			serverReads({
				filter: or(condition('name', 'eq', text), condition('tags', 'contains', [text, text]))
			}).filter
		).toEqual(or(condition('name', 'eq', text), condition('tags', 'contains', [text, text])));
	});

	it('reads back the sort, group-first order and search', () => {
		const config: ViewConfig = {
			sort: [
				{ field: 'age', direction: 'desc', nulls: 'last' },
				{ field: 'name', direction: 'asc' }
			],
			groupBy: ['status'],
			search: '  Ada Lovelace '
		};
		const read = serverReads(config);
		expect(read.sort).toEqual([
			{ field: 'status', direction: 'asc' },
			{ field: 'age', direction: 'desc', nulls: 'last' },
			{ field: 'name', direction: 'asc' }
		]);
		expect(read.search).toBe('Ada Lovelace');
	});

	it('keeps the direction of a sort on the group field and moves it first', () => {
		const config: ViewConfig = {
			sort: [
				{ field: 'age', direction: 'asc' },
				{ field: 'status', direction: 'desc', nulls: 'first' }
			],
			groupBy: ['status']
		};
		expect(serverReads(config).sort).toEqual([
			{ field: 'status', direction: 'desc', nulls: 'first' },
			{ field: 'age', direction: 'asc' }
		]);
		expect(viewSort(config, { isGroupedFirst: false })).toEqual(config.sort);
	});

	it('sorts by every group level first, outermost first', () => {
		const config: ViewConfig = {
			sort: [
				{ field: 'age', direction: 'asc' },
				{ field: 'team', direction: 'desc' }
			],
			groupBy: ['status', 'team']
		};
		expect(viewSort(config)).toEqual([
			{ field: 'status', direction: 'asc' },
			{ field: 'team', direction: 'desc' },
			{ field: 'age', direction: 'asc' }
		]);
	});

	it('passes select, limit and offset', () => {
		const search = viewQueryParams({}, { select: ['id', 'name'], limit: 50, offset: 100 });
		const read = parsePostgrestQuery(search);
		expect(read).toEqual({ select: ['id', 'name'], limit: 50, offset: 100 });
	});

	it('sends nothing for an empty view', () => {
		expect(viewQueryString({})).toBe('');
		expect(viewQueryString({ filter: null, sort: [], search: '   ', groupBy: [] })).toBe('');
	});
});

describe('the server runs the same query as the view', () => {
	const compile = (filter: FilterNode | null) =>
		compilePage({
			spaceId: people.spaceId,
			type: people,
			query: { ...(filter && { filter }), limit: 50 },
			searchAttributeIds: []
		}).phases;

	it.each([
		and(condition('name', 'contains', '50%_off\\'), condition('name', 'starts_with', 'Dr.', true)),
		or(condition('age', 'in', ['1', '2']), condition('tags', 'contains', ['Press'])),
		and(
			condition('status', 'eq', 'active'),
			or(condition('joined', 'gte', '2026-01-01'), condition('vip', 'eq', 'false'))
		),
		condition('name', 'ilike', 'a%b')
	])('compiles %j to the same SQL after the round trip', (filter) => {
		const read = serverReads({ filter }).filter!;
		expect(compile(read)).toEqual(compile(filter));
	});

	it('turns a literal * in a text filter into a one-character wildcard', () => {
		const read = serverReads({ filter: condition('name', 'contains', 'a*b') }).filter;
		expect(read).toEqual(condition('name', 'ilike', '%a_b%'));
	});

	it('reads a negated emptiness test as its opposite', () => {
		expect(serverReads({ filter: condition('age', 'is_empty', undefined, true) }).filter).toEqual(
			condition('age', 'is_not_empty')
		);
	});
});

describe('completeFilter', () => {
	it('leaves out conditions still waiting for a value, and groups left empty', () => {
		const filter = and(
			condition('name', 'eq', ''),
			or(condition('status', 'in', []), condition('age', 'gt')),
			condition('age', 'is_empty'),
			or(condition('vip', 'eq', 'true'), condition('name', 'contains', ''))
		);
		expect(completeFilter(filter)).toEqual(
			and(condition('age', 'is_empty'), or(condition('vip', 'eq', 'true')))
		);
		expect(completeFilter(and(condition('name', 'eq', '')))).toBeNull();
		expect(viewQueryString({ filter: and(condition('name', 'eq', '')) })).toBe('');
	});
});
