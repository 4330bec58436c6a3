import { describe, expect, it } from 'vitest';
import { countConditions, pruneViewConfig, viewConfigSchema, type ViewSheet } from './view-config';

const sheet: ViewSheet = {
	key: 'tasks',
	attributes: [
		{ key: 'title', name: 'Title', kind: 'text', options: {} },
		{ key: 'done', name: 'Done', kind: 'checkbox', options: {} },
		{ key: 'due', name: 'Due', kind: 'date', options: {} },
		{ key: 'points', name: 'Points', kind: 'number', options: {} },
		{
			key: 'status',
			name: 'Status',
			kind: 'single_select',
			options: { choices: [{ id: 'a', name: 'Open', color: 'gray' }] }
		},
		{
			key: 'labels',
			name: 'Labels',
			kind: 'multi_select',
			options: { choices: [{ id: 'b', name: 'Bug', color: 'red' }] }
		},
		{ key: 'files', name: 'Files', kind: 'attachment', options: {} }
	]
};

/** The first problem as `path: message`, or null when the config is valid. */
function problem(config: unknown): string | null {
	const result = viewConfigSchema(sheet).safeParse(config);
	if (result.success) return null;
	const issue = result.error.issues[0]!;
	return `${issue.path.join('.')}: ${issue.message}`;
}

describe('viewConfigSchema', () => {
	it('accepts a full config', () => {
		expect(
			problem({
				filter: {
					type: 'and',
					children: [
						{ type: 'condition', field: 'title', operator: 'contains', value: 'bug' },
						{
							type: 'or',
							negate: true,
							children: [
								{ type: 'condition', field: 'status', operator: 'in', value: ['open'] },
								{ type: 'condition', field: 'due', operator: 'lt', value: '2026-06-01' },
								{ type: 'condition', field: 'labels', operator: 'contains', value: ['Bug'] },
								{ type: 'condition', field: 'files', operator: 'is_empty' },
								{ type: 'condition', field: 'done', operator: 'eq', value: 'true', negate: true }
							]
						}
					]
				},
				sort: [
					{ field: 'due', direction: 'asc', nulls: 'last' },
					{ field: 'id', direction: 'desc' }
				],
				groupBy: ['status', 'title'],
				search: 'x',
				hidden: ['files'],
				order: ['title', 'due'],
				widths: { title: 240, due: 40 },
				boardField: 'status',
				cardFields: ['title']
			})
		).toBeNull();
		expect(problem({})).toBeNull();
		expect(problem({ filter: null, groupBy: null })).toBeNull();
	});

	it.each([
		[
			{ filter: { type: 'condition', field: 'nope', operator: 'eq', value: 'x' } },
			'filter.field: "tasks" has no field "nope"'
		],
		[
			{
				filter: {
					type: 'and',
					children: [
						{ type: 'condition', field: 'title', operator: 'eq', value: 'a' },
						{
							type: 'or',
							children: [{ type: 'condition', field: 'status', operator: 'gt', value: 'Open' }]
						}
					]
				}
			},
			'filter.children.1.children.0.operator: "gt" does not apply to Status (Single select); use one of eq, neq, in, is_empty, is_not_empty'
		],
		[
			{ filter: { type: 'condition', field: 'points', operator: 'eq', value: 'many' } },
			'filter.value: Points: '
		],
		[
			{ filter: { type: 'condition', field: 'status', operator: 'in', value: ['Open', 'Closed'] } },
			'filter.value.1: Status: "Closed" is not one of the choices: Open'
		],
		[
			{ filter: { type: 'condition', field: 'title', operator: 'eq' } },
			'filter.value: is needed for "eq"'
		],
		[
			{ filter: { type: 'condition', field: 'title', operator: 'is_empty', value: 'x' } },
			'filter.value: must be left out for "is_empty"'
		],
		[
			{ filter: { type: 'condition', field: 'labels', operator: 'contains', value: 'Bug' } },
			'filter.value: must be a list for "contains" on Labels'
		],
		[
			{ filter: { type: 'condition', field: 'title', operator: 'sounds_like', value: 'x' } },
			'filter.operator: must be one of'
		],
		[{ filter: { type: 'xor', children: [] } }, 'filter.type: must be "condition", "and" or "or"'],
		[
			{ filter: { type: 'and', children: [] } },
			'filter.children: must hold at least one condition'
		],
		[
			{ filter: { type: 'condition', field: 'title', operator: 'eq', value: 'x', extra: 1 } },
			'filter: Unrecognized key'
		],
		[
			{ sort: [{ field: 'ghost', direction: 'asc' }] },
			'sort.0.field: "tasks" has no field "ghost"'
		],
		[{ sort: [{ field: 'due', direction: 'up' }] }, 'sort.0.direction: must be asc or desc'],
		[
			{
				sort: [
					{ field: 'due', direction: 'asc' },
					{ field: 'due', direction: 'desc' }
				]
			},
			'sort.1.field: sorts by "due" twice'
		],
		[{ groupBy: 'points' }, 'groupBy.0: Points (Number) cannot be used here'],
		[{ groupBy: ['title', 'points'] }, 'groupBy.1: Points (Number) cannot be used here'],
		[{ groupBy: ['title', 'title'] }, 'groupBy.1: groups by "title" twice'],
		[{ groupBy: ['title', 'status', 'done', 'title'] }, 'groupBy: must have at most 3 levels'],
		[{ groupBy: 4 }, 'groupBy: must be a list of field keys'],
		[{ hidden: ['title', 'ghost'] }, 'hidden.1: "tasks" has no field "ghost"'],
		[{ order: ['title', 'title'] }, 'order.1: lists "title" twice'],
		[{ widths: { title: 39 } }, 'widths.title: must be between 40 and 1000'],
		[{ widths: { title: 1001 } }, 'widths.title: must be between 40 and 1000'],
		[{ widths: { ghost: 100 } }, 'widths.ghost: "tasks" has no field "ghost"'],
		[{ boardField: 'title' }, 'boardField: Title (Text) cannot be used here'],
		[{ colour: 'red' }, ': Unrecognized key']
	])('refuses %j naming the place', (config, expected) => {
		expect(problem(config)).toContain(expected);
	});

	it('refuses groups nested too deeply', () => {
		let filter: unknown = { type: 'condition', field: 'title', operator: 'eq', value: 'x' };
		for (let level = 0; level < 6; level++) filter = { type: 'and', children: [filter] };
		expect(problem({ filter })).toMatch(/nests groups too deeply/);
	});
});

describe('pruneViewConfig', () => {
	it('reads a view saved with one group field as one level, and drops levels that no longer fit', () => {
		expect(pruneViewConfig({ groupBy: 'status' as never }, sheet).groupBy).toEqual(['status']);
		expect(pruneViewConfig({ groupBy: null as never }, sheet).groupBy).toEqual([]);
		expect(
			pruneViewConfig({ groupBy: ['gone', 'status', 'points', 'title'] }, sheet).groupBy
		).toEqual(['status', 'title']);
		expect(pruneViewConfig({}, sheet)).toEqual({});
	});

	it('accepts a single group key from an older client as one level', () => {
		const parsed = viewConfigSchema(sheet).parse({ groupBy: 'status' });
		expect(parsed.groupBy).toEqual(['status']);
		expect(viewConfigSchema(sheet).parse({ groupBy: null }).groupBy).toEqual([]);
	});

	it('drops what refers to fields that are gone or changed kind', () => {
		const pruned = pruneViewConfig(
			{
				filter: {
					type: 'and',
					children: [
						{ type: 'condition', field: 'gone', operator: 'eq', value: 'x' },
						{ type: 'condition', field: 'points', operator: 'contains', value: 'x' },
						{ type: 'condition', field: 'title', operator: 'eq', value: 'x' }
					]
				},
				sort: [
					{ field: 'gone', direction: 'asc' },
					{ field: 'due', direction: 'asc' }
				],
				groupBy: ['gone'],
				hidden: ['gone', 'files'],
				order: ['gone', 'title'],
				widths: { gone: 100, title: 200 },
				boardField: 'title',
				cardFields: ['gone']
			},
			sheet
		);
		expect(pruned).toEqual({
			filter: {
				type: 'and',
				children: [{ type: 'condition', field: 'title', operator: 'eq', value: 'x' }]
			},
			sort: [{ field: 'due', direction: 'asc' }],
			groupBy: [],
			hidden: ['files'],
			order: ['title'],
			widths: { title: 200 },
			boardField: null,
			cardFields: []
		});
		expect(
			pruneViewConfig({ filter: { type: 'condition', field: 'gone', operator: 'is_empty' } }, sheet)
				.filter
		).toBeNull();
	});
});

describe('countConditions', () => {
	it('counts conditions through groups', () => {
		expect(countConditions(null)).toBe(0);
		expect(
			countConditions({
				type: 'or',
				children: [
					{ type: 'condition', field: 'a', operator: 'is_empty' },
					{ type: 'and', children: [{ type: 'condition', field: 'b', operator: 'is_empty' }] }
				]
			})
		).toBe(2);
	});
});
