// Saved views against the real database: create, list, change, delete; configs refused with
// the exact place named; viewers read but never write; and the policies alone keep one
// space's views out of another's reach.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '$lib/server/context';
import { withActor } from '$lib/server/db';
import { addAttribute, deleteAttribute } from '$lib/server/services/attributes';
import { createEntityType } from '$lib/server/services/entity-types';
import { createView, deleteView, listViews, updateView } from '$lib/server/services/views';
import { AppError, isAppError } from '$lib/domain/errors';
import type { ViewConfig } from '$lib/domain/views';
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
let editor: TestUser;
let viewer: TestUser;
let door: TestUser;
let stranger: TestUser;
let space: { id: string; slug: string };
let otherSpace: { id: string; slug: string };

const on = (user: TestUser, spaceSlug = space.slug) => ({
	context,
	actor: user.actor,
	space: spaceSlug,
	type: 'tasks'
});

async function failure(work: () => Promise<unknown>): Promise<AppError> {
	try {
		await work();
	} catch (error) {
		if (isAppError(error)) return error;
		throw error;
	}
	throw new Error('expected the call to fail');
}

const openTasks: ViewConfig = {
	filter: {
		type: 'and',
		children: [
			{ type: 'condition', field: 'status', operator: 'in', value: ['Open', 'Doing'] },
			{
				type: 'or',
				children: [
					{ type: 'condition', field: 'due', operator: 'lt', value: '2026-07-01' },
					{ type: 'condition', field: 'title', operator: 'contains', value: 'urgent' }
				]
			}
		]
	},
	sort: [{ field: 'due', direction: 'asc' }],
	groupBy: ['status'],
	hidden: ['notes'],
	order: ['title', 'status'],
	widths: { title: 320 }
};

beforeAll(async () => {
	context = await bootTestApp();
	owner = await createUser(context, 'Views Owner');
	editor = await createUser(context, 'Views Editor');
	viewer = await createUser(context, 'Views Viewer');
	door = await createUser(context, 'Views Door');
	stranger = await createUser(context, 'Views Stranger');
	space = await createSpace(context, owner, 'Views');
	otherSpace = await createSpace(context, stranger, 'Elsewhere');
	await addMember(context, owner, space.id, editor, 'editor');
	await addMember(context, owner, space.id, viewer, 'viewer');
	await addMember(context, owner, space.id, door, 'checkin');
	for (const [user, slug] of [
		[owner, space.slug],
		[stranger, otherSpace.slug]
	] as const) {
		await createEntityType({ context, actor: user.actor, space: slug, input: { name: 'Tasks' } });
		for (const input of [
			{ name: 'Title', kind: 'text' },
			{
				name: 'Status',
				kind: 'single_select',
				options: {
					choices: [
						{ name: 'Open', color: 'gray' },
						{ name: 'Doing', color: 'blue' },
						{ name: 'Done', color: 'green' }
					]
				}
			},
			{ name: 'Due', kind: 'date' },
			{ name: 'Points', kind: 'number' },
			{ name: 'Notes', kind: 'long_text' }
		]) {
			await addAttribute({ context, actor: user.actor, space: slug, type: 'tasks', input });
		}
	}
}, 120_000);

afterAll(async () => {
	await stopTestApp();
});

describe('saved views', () => {
	it('creates, lists, renames, reconfigures, moves and deletes a view', async () => {
		const created = await createView({
			...on(editor),
			input: { name: '  Open tasks ', config: openTasks }
		});
		expect(created).toMatchObject({
			name: 'Open tasks',
			kind: 'grid',
			config: openTasks,
			position: 0,
			createdBy: editor.id
		});
		const board = await createView({
			...on(owner),
			input: {
				name: 'Board',
				kind: 'board',
				config: { boardField: 'status', cardFields: ['title'] }
			}
		});
		expect(board.position).toBe(1);

		// A viewer reads them, in position order.
		expect((await listViews(on(viewer))).map((view) => view.name)).toEqual(['Open tasks', 'Board']);

		const renamed = await updateView({
			...on(owner),
			view: created.id,
			input: { name: 'Due soon', config: { ...openTasks, search: 'fix' }, position: 5 }
		});
		expect(renamed).toMatchObject({ id: created.id, name: 'Due soon', position: 5 });
		expect(renamed.config.search).toBe('fix');
		expect(Date.parse(renamed.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.updatedAt));
		expect((await listViews(on(viewer))).map((view) => view.name)).toEqual(['Board', 'Due soon']);

		// Position alone leaves the rest as it was.
		const moved = await updateView({ ...on(editor), view: created.id, input: { position: 0 } });
		expect(moved).toMatchObject({ name: 'Due soon', config: { ...openTasks, search: 'fix' } });

		await deleteView({ ...on(editor), view: created.id });
		await deleteView({ ...on(owner), view: board.id });
		expect(await listViews(on(owner))).toEqual([]);
		const gone = await failure(() => deleteView({ ...on(owner), view: created.id }));
		expect(gone).toMatchObject({ code: 'NOT_FOUND', field: 'view' });
	});

	it('refuses a second view with the same name on the sheet', async () => {
		await createView({ ...on(owner), input: { name: 'Mine' } });
		const error = await failure(() => createView({ ...on(editor), input: { name: 'Mine' } }));
		expect(error).toMatchObject({ code: 'CONFLICT', field: 'name' });
		const other = await createView({ ...on(owner), input: { name: 'Other' } });
		const renaming = await failure(() =>
			updateView({ ...on(owner), view: other.id, input: { name: 'Mine' } })
		);
		expect(renaming).toMatchObject({ code: 'CONFLICT', field: 'name' });
	});

	it.each([
		[
			{ filter: { type: 'condition', field: 'ghost', operator: 'eq', value: 'x' } },
			'config.filter.field',
			'has no field "ghost"'
		],
		[
			{
				filter: {
					type: 'or',
					children: [
						{ type: 'condition', field: 'title', operator: 'eq', value: 'a' },
						{
							type: 'and',
							negate: true,
							children: [{ type: 'condition', field: 'status', operator: 'lt', value: 'Open' }]
						}
					]
				}
			},
			'config.filter.children.1.children.0.operator',
			'"lt" does not apply to Status'
		],
		[
			{ filter: { type: 'condition', field: 'points', operator: 'gt', value: 'lots' } },
			'config.filter.value',
			'Points:'
		],
		[
			{ filter: { type: 'condition', field: 'status', operator: 'eq', value: 'Closed' } },
			'config.filter.value',
			'"Closed" is not one of the choices'
		],
		[{ sort: [{ field: 'ghost', direction: 'asc' }] }, 'config.sort.0.field', 'has no field'],
		[{ hidden: ['title', 'ghost'] }, 'config.hidden.1', 'has no field "ghost"'],
		[{ order: ['ghost'] }, 'config.order.0', 'has no field "ghost"'],
		[{ widths: { title: 20 } }, 'config.widths.title', 'between 40 and 1000'],
		[{ widths: { title: 5000 } }, 'config.widths.title', 'between 40 and 1000'],
		[{ widths: { ghost: 100 } }, 'config.widths.ghost', 'has no field "ghost"'],
		[{ groupBy: 'due' }, 'config.groupBy.0', 'cannot be used here'],
		[{ colour: 'red' }, 'config', 'Unrecognized key']
	])('refuses the config %j naming %s', async (config, field, message) => {
		const error = await failure(() => createView({ ...on(owner), input: { name: 'Bad', config } }));
		expect(error.code).toBe('INVALID_INPUT');
		expect(error.field).toBe(field);
		expect(error.message).toContain(`${field}: `);
		expect(error.message).toContain(message);
	});

	it('refuses bad names, kinds and updates naming the field', async () => {
		expect(await failure(() => createView({ ...on(owner), input: { name: ' ' } }))).toMatchObject({
			code: 'INVALID_INPUT',
			field: 'name'
		});
		expect(
			await failure(() => createView({ ...on(owner), input: { name: 'K', kind: 'calendar' } }))
		).toMatchObject({ field: 'kind' });
		const view = await createView({ ...on(owner), input: { name: 'To change' } });
		expect(
			await failure(() =>
				updateView({ ...on(owner), view: view.id, input: { config: { widths: { due: 2 } } } })
			)
		).toMatchObject({ field: 'config.widths.due' });
		expect(
			await failure(() => updateView({ ...on(owner), view: view.id, input: { position: -1 } }))
		).toMatchObject({ field: 'position' });
		expect(
			await failure(() => updateView({ ...on(owner), view: 'not-an-id', input: { name: 'x' } }))
		).toMatchObject({ code: 'NOT_FOUND', field: 'view' });
	});

	it('lets a viewer list views but neither create, change nor delete one', async () => {
		const view = await createView({ ...on(owner), input: { name: 'Shared', config: openTasks } });
		expect((await listViews(on(viewer))).some((each) => each.id === view.id)).toBe(true);

		for (const attempt of [
			() => createView({ ...on(viewer), input: { name: 'Viewer view' } }),
			() => updateView({ ...on(viewer), view: view.id, input: { name: 'Hijacked' } }),
			() => deleteView({ ...on(viewer), view: view.id })
		]) {
			expect((await failure(attempt)).code).toBe('FORBIDDEN');
		}
		// The check-in desk has no views at all.
		expect((await failure(() => listViews(on(door)))).code).toBe('FORBIDDEN');

		// The policy refuses the same write when a service check is bypassed.
		const refused = await withActor(context.db.runtime, viewer.actor, async (tx) => {
			try {
				await tx.query(
					`insert into views (space_id, entity_type_id, name) select space_id, id, 'Sneaky'
					   from entity_types where space_id = $1 and key = 'tasks'`,
					[space.id]
				);
				return null;
			} catch (error) {
				return (error as { code?: string }).code;
			}
		});
		expect(refused).toBe('42501');
		const touched = await withActor(context.db.runtime, viewer.actor, async (tx) => {
			const updated = await tx.query(`update views set name = 'Hijacked' where id = $1`, [view.id]);
			const deleted = await tx.query('delete from views where id = $1', [view.id]);
			return [updated.rowCount, deleted.rowCount];
		});
		expect(touched).toEqual([0, 0]);
		expect((await listViews(on(owner))).find((each) => each.id === view.id)?.name).toBe('Shared');
	});

	it("keeps another space's views invisible, even to SQL without a space filter", async () => {
		const foreign = await createView({
			...on(stranger, otherSpace.slug),
			input: { name: 'Foreign', config: { search: 'secret' } }
		});
		const mine = await listViews(on(owner));
		expect(mine.some((view) => view.id === foreign.id)).toBe(false);

		// The stranger's space does not exist for the owner, and its view ids lead nowhere.
		expect((await failure(() => listViews(on(owner, otherSpace.slug)))).code).toBe('NOT_FOUND');
		expect(
			(
				await failure(() =>
					updateView({ ...on(owner), view: foreign.id, input: { name: 'Mine now' } })
				)
			).code
		).toBe('NOT_FOUND');

		// Under RLS alone: every views row the owner can see belongs to their own space.
		const visible = await withActor(context.db.runtime, owner.actor, async (tx) => {
			const { rows } = await tx.query<{ id: string; space_id: string }>(
				'select id, space_id from views'
			);
			const foreignUpdate = await tx.query(`update views set name = 'x' where id = $1`, [
				foreign.id
			]);
			const foreignDelete = await tx.query('delete from views where id = $1', [foreign.id]);
			return { rows, changed: (foreignUpdate.rowCount ?? 0) + (foreignDelete.rowCount ?? 0) };
		});
		expect(visible.rows.length).toBeGreaterThan(0);
		expect(visible.rows.every((row) => row.space_id === space.id)).toBe(true);
		expect(visible.rows.some((row) => row.id === foreign.id)).toBe(false);
		expect(visible.changed).toBe(0);
		expect((await listViews(on(stranger, otherSpace.slug))).map((view) => view.name)).toEqual([
			'Foreign'
		]);
	});

	it('lists a view without the parts a schema change removed', async () => {
		await addAttribute({
			context,
			actor: owner.actor,
			space: space.slug,
			type: 'tasks',
			input: { name: 'Temp', kind: 'text' }
		});
		const view = await createView({
			...on(owner),
			input: {
				name: 'With temp',
				config: {
					filter: { type: 'condition', field: 'temp', operator: 'eq', value: 'x' },
					hidden: ['temp', 'notes'],
					widths: { temp: 100, title: 200 }
				}
			}
		});
		await deleteAttribute({
			context,
			actor: owner.actor,
			space: space.slug,
			type: 'tasks',
			attribute: 'temp'
		});
		const listed = (await listViews(on(viewer))).find((each) => each.id === view.id)!;
		expect(listed.config).toEqual({ filter: null, hidden: ['notes'], widths: { title: 200 } });
	});
});
