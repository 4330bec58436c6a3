// Kanban moves through the services against a real Postgres: a card's column and its place in
// the column persist, the move reaches live listeners, and bad moves are refused clearly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordChange } from '$lib/domain/record-change';
import type { AppContext } from '$lib/server/context';
import { addAttribute } from '$lib/server/services/attributes';
import { createEntityType } from '$lib/server/services/entity-types';
import { createRecords, getRecord } from '$lib/server/services/records';
import { readBoard } from '$lib/server/services/records/board';
import { moveRecord } from '$lib/server/services/records/move';
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
let space: { id: string; slug: string };
const ids: Record<string, string> = {};

const titlesIn = async (value: string | null, actor = owner.actor) => {
	const board = await readBoard({ context, actor, space: space.slug, type: 'tasks' });
	const column = board.columns.find((each) => each.value === value)!;
	return column.cards.map((card) => card.record.title);
};

const move = (id: string, input: unknown, actor = editor.actor) =>
	moveRecord({ context, actor, space: space.slug, type: 'tasks', id, input });

beforeAll(async () => {
	context = await bootTestApp();
	owner = await createUser(context, 'Board Owner');
	editor = await createUser(context, 'Board Editor');
	viewer = await createUser(context, 'Board Viewer');
	space = await createSpace(context, owner, 'Board');
	await addMember(context, owner, space.id, editor, 'editor');
	await addMember(context, owner, space.id, viewer, 'viewer');
	const actor = owner.actor;
	await createEntityType({ context, actor, space: space.slug, input: { name: 'Tasks' } });
	for (const input of [
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
		{ name: 'Assignee', kind: 'user' }
	]) {
		await addAttribute({ context, actor, space: space.slug, type: 'tasks', input });
	}
	const { created } = await createRecords({
		context,
		actor,
		space: space.slug,
		type: 'tasks',
		values: [
			{ title: 'A', status: 'To do', assignee: editor.id },
			{ title: 'B', status: 'To do' },
			{ title: 'C', status: 'To do', assignee: editor.id },
			{ title: 'D', status: 'To do' },
			{ title: 'E', status: 'Done' },
			{ title: 'F' }
		]
	});
	for (const record of created) ids[record.title as string] = record.id;
});

afterAll(async () => {
	await stopTestApp();
});

describe('moving cards', () => {
	it('shows a column per choice plus one for records without a value', async () => {
		const board = await readBoard({
			context,
			actor: viewer.actor,
			space: space.slug,
			type: 'tasks'
		});
		expect(board.field).toBe('status');
		expect(board.columns.map((column) => [column.value, column.total])).toEqual([
			['To do', 4],
			['In progress', 0],
			['Done', 1],
			[null, 1]
		]);
		expect(await titlesIn('To do')).toEqual(['A', 'B', 'C', 'D']);
	});

	it('moves a card to another column through the write path and publishes the change', async () => {
		const published: RecordChange[] = [];
		const unsubscribe = context.changes.subscribe((changes) => published.push(...changes));
		const result = await move(ids.D!, { status: 'in progress' });
		unsubscribe();
		// The choice's own spelling, as the write path normalises it.
		expect(result.value).toBe('In progress');
		expect(await titlesIn('In progress')).toEqual(['D']);
		expect(await titlesIn('To do')).toEqual(['A', 'B', 'C']);
		const record = await getRecord({ context, actor: owner.actor, id: ids.D! });
		expect(record.status).toBe('In progress');
		// With the card's new place, so open boards put it there without reading the board again.
		expect(published).toContainEqual(
			expect.objectContaining({
				entityId: ids.D,
				values: { status: 'In progress' },
				position: result.position
			})
		);
	});

	it('keeps the order within a column, after and before a neighbour', async () => {
		await move(ids.C!, { status: 'To do', after: ids.A });
		expect(await titlesIn('To do')).toEqual(['A', 'C', 'B']);
		await move(ids.A!, { status: 'To do', before: ids.B });
		expect(await titlesIn('To do')).toEqual(['C', 'A', 'B']);
		await move(ids.C!, { status: 'To do' });
		expect(await titlesIn('To do')).toEqual(['A', 'B', 'C']);
	});

	it('tells live clients about a move within a column with a change without values', async () => {
		const published: RecordChange[] = [];
		const unsubscribe = context.changes.subscribe((changes) => published.push(...changes));
		const result = await move(ids.C!, { status: 'To do', before: ids.A });
		unsubscribe();
		expect(published).toEqual([
			expect.objectContaining({
				entityId: ids.C,
				action: 'update',
				values: {},
				position: result.position
			})
		]);
		expect(await titlesIn('To do')).toEqual(['C', 'A', 'B']);
	});

	it('renumbers a crowded column and keeps its order', async () => {
		const published: RecordChange[] = [];
		const unsubscribe = context.changes.subscribe((changes) => published.push(...changes));
		// Each move lands between C and the card placed last: the gap halves every time.
		for (let round = 0; round < 30; round++) {
			await move(ids[round % 2 === 0 ? 'A' : 'B']!, { status: 'To do', after: ids.C });
		}
		unsubscribe();
		// The move that renumbered says its place is not told: the others' places changed too.
		const positions = published.map((change) => change.position);
		expect(positions).toHaveLength(30);
		expect(positions.filter((position) => position === null).length).toBeGreaterThan(0);
		expect(positions.filter((position) => position !== null).every(Number.isFinite)).toBe(true);
		const board = await readBoard({
			context,
			actor: owner.actor,
			space: space.slug,
			type: 'tasks'
		});
		const column = board.columns.find((each) => each.value === 'To do')!;
		expect(column.cards.map((card) => card.record.title)).toEqual(['C', 'B', 'A']);
		const placed = column.cards.map((card) => card.position);
		expect(new Set(placed).size).toBe(placed.length);
	});

	it('moves a card into and out of the column without a value', async () => {
		await move(ids.E!, { status: null, after: ids.F });
		expect(await titlesIn(null)).toEqual(['F', 'E']);
		await move(ids.E!, { status: 'Done' });
		expect(await titlesIn(null)).toEqual(['F']);
		expect(await titlesIn('Done')).toEqual(['E']);
	});

	it('filters the board by assignee', async () => {
		const board = await readBoard({
			context,
			actor: owner.actor,
			space: space.slug,
			type: 'tasks',
			input: { assignee: editor.id }
		});
		const cards = board.columns.flatMap((column) => column.cards.map((card) => card.record.title));
		expect(cards.sort()).toEqual(['A', 'C']);
	});
});

describe('refused moves', () => {
	it('refuses a viewer, even within a column', async () => {
		await expect(
			move(ids.A!, { status: 'To do', after: ids.B }, viewer.actor)
		).rejects.toMatchObject({ code: 'FORBIDDEN' });
		await expect(move(ids.A!, { status: 'Done' }, viewer.actor)).rejects.toMatchObject({
			code: 'FORBIDDEN'
		});
		expect(await titlesIn('To do')).toEqual(['C', 'B', 'A']);
	});

	it('rejects a status that is not a choice, naming the field', async () => {
		const failure = await move(ids.A!, { status: 'Someday' }).catch((error) => error);
		expect(failure).toMatchObject({ code: 'INVALID_VALUE', field: 'status' });
		expect(failure.message).toMatch(/^Status: "Someday" is not one of the choices/);
		const record = await getRecord({ context, actor: owner.actor, id: ids.A! });
		expect(record.status).toBe('To do');
	});

	it('rejects a board field that is not a single select, and a missing status', async () => {
		await expect(move(ids.A!, { field: 'title', status: 'To do' })).rejects.toMatchObject({
			code: 'INVALID_INPUT',
			field: 'field'
		});
		await expect(move(ids.A!, { after: ids.B })).rejects.toMatchObject({
			code: 'INVALID_INPUT',
			field: 'status'
		});
	});

	it('says a record that does not exist is not found', async () => {
		await expect(
			move('00000000-0000-4000-8000-000000000000', { status: 'Done' })
		).rejects.toMatchObject({ code: 'NOT_FOUND' });
	});
});
