// Group counts of a grouped grid against a real Postgres under RLS: counted in the database over
// the whole filtered view, in exactly the order the records query walks the groups (so the grid
// can tell from the counts which offsets each group spans), and only over records the caller's
// space holds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordQuery } from '$lib/domain/query/ast';
import type { AppContext } from '$lib/server/context';
import { addAttribute } from '$lib/server/services/attributes';
import { createEntityType } from '$lib/server/services/entity-types';
import { createRecords, queryRecords } from '$lib/server/services/records';
import { countGroups } from '$lib/server/services/records/groups';
import {
	addMember,
	bootTestApp,
	createSpace,
	createUser,
	stopTestApp,
	type TestUser
} from '../support/app';

let context: AppContext;
let owner: TestUser;
let viewer: TestUser;
let outsider: TestUser;
let space: { id: string; slug: string };
let other: { id: string; slug: string };

const fields = [
	{ name: 'Title', kind: 'text', isRequired: true },
	{
		name: 'Status',
		kind: 'single_select',
		options: {
			choices: [
				{ id: 't', name: 'To do', color: 'gray' },
				{ id: 'p', name: 'In progress', color: 'blue' },
				{ id: 'd', name: 'Done', color: 'green' }
			]
		}
	},
	{ name: 'Urgent', kind: 'checkbox' },
	{ name: 'Points', kind: 'number' }
];

async function sheet(user: TestUser, slug: string, values: Record<string, unknown>[]) {
	const actor = user.actor;
	await createEntityType({ context, actor, space: slug, input: { name: 'Tasks' } });
	for (const input of fields)
		await addAttribute({ context, actor, space: slug, type: 'tasks', input });
	await createRecords({ context, actor, space: slug, type: 'tasks', values });
}

beforeAll(async () => {
	context = await bootTestApp();
	owner = await createUser(context, 'Group Owner');
	viewer = await createUser(context, 'Group Viewer');
	outsider = await createUser(context, 'Group Outsider');
	space = await createSpace(context, owner, 'Grouping');
	other = await createSpace(context, outsider, 'Elsewhere');
	await addMember(context, owner, space.id, viewer, 'viewer');
	await sheet(owner, space.slug, [
		{ title: 'A', status: 'To do', urgent: true, points: 1 },
		{ title: 'B', status: 'Done', urgent: false, points: 5 },
		{ title: 'C', status: 'To do', points: 8 },
		{ title: 'D', status: 'In progress', urgent: true, points: 2 },
		{ title: 'E', points: 9 },
		{ title: 'F', status: 'Done', urgent: true, points: 3 },
		{ title: 'G', status: 'To do', urgent: true, points: 7 }
	]);
	// Another space's sheet of the same name: none of its records may be counted above.
	await sheet(outsider, other.slug, [
		{ title: 'X', status: 'To do', urgent: true, points: 1 },
		{ title: 'Y', status: 'To do', urgent: true, points: 1 }
	]);
});

afterAll(async () => {
	await stopTestApp();
});

const count = (query: RecordQuery, groupBy: string[], actor = viewer.actor, slug = space.slug) =>
	countGroups({ context, actor, space: slug, type: 'tasks', query, groupBy });

describe('group counts', () => {
	it('counts each group of the filtered view in the database, under RLS', async () => {
		const filter = { type: 'condition', field: 'points', operator: 'gte', value: '2' } as const;
		const counted = await count({ filter }, ['status']);
		expect(counted.groups).toEqual([
			{ values: ['Done'], count: 2 },
			{ values: ['In progress'], count: 1 },
			{ values: ['To do'], count: 2 },
			{ values: [null], count: 1 }
		]);
		expect(counted.total).toBe(6);

		const outside = await count({}, ['status'], outsider.actor, other.slug);
		expect(outside.groups).toEqual([{ values: ['To do'], count: 2 }]);
	});

	it('walks two levels in the records query order, so counts give each group its offsets', async () => {
		const query: RecordQuery = {
			sort: [
				{ field: 'status', direction: 'desc' },
				{ field: 'urgent', direction: 'asc' },
				{ field: 'points', direction: 'asc' }
			],
			search: ''
		};
		const counted = await count(query, ['status', 'urgent']);
		const page = await queryRecords({
			context,
			actor: viewer.actor,
			space: space.slug,
			type: 'tasks',
			query
		});
		let offset = 0;
		for (const group of counted.groups) {
			const slice = page.records.slice(offset, offset + group.count);
			// A checkbox never ticked has no value; ticked off, it is false: both read as false.
			for (const record of slice)
				expect([record.status ?? null, record.urgent ?? false]).toEqual([
					group.values[0],
					group.values[1] ?? false
				]);
			offset += group.count;
		}
		expect(offset).toBe(page.records.length);
		expect(counted.groups[0]!.values).toEqual([null, null]);
	});

	it('applies the search as the records query does', async () => {
		const counted = await count({ search: 'done' }, ['status']);
		expect(counted.groups).toEqual([{ values: ['Done'], count: 2 }]);
	});

	it('refuses what cannot be grouped, naming the parameter', async () => {
		await expect(count({}, ['points'])).rejects.toMatchObject({
			code: 'INVALID_INPUT',
			field: 'group',
			message: 'Points (Number) cannot be grouped by'
		});
		await expect(count({}, [])).rejects.toMatchObject({ field: 'group' });
		await expect(count({}, ['status', 'status'])).rejects.toMatchObject({ field: 'group' });
		await expect(count({}, ['status'], outsider.actor)).rejects.toMatchObject({
			code: 'NOT_FOUND'
		});
	});
});
