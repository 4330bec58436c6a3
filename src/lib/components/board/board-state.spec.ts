import { describe, expect, it } from 'vitest';
import type { FieldDef } from '$lib/components/fields/types';
import {
	arrowTarget,
	defaultCardFields,
	isArrowKey,
	isSamePlace,
	neighboursOf,
	withCardMoved,
	withLiveChange,
	type BoardColumn,
	type BoardLens,
	type CardChange
} from './board-state';

const card = (id: string) => ({ id, position: 0, record: { id, type: 'tasks' } });
const board = (): BoardColumn[] => [
	{ value: null, total: 0, cards: [] },
	{ value: 'To do', total: 3, cards: [card('a'), card('b'), card('c')] },
	{ value: 'Done', total: 1, cards: [card('d')] }
];
const ids = (columns: BoardColumn[]) =>
	columns.map((column) => column.cards.map((each) => each.id));

describe('withCardMoved', () => {
	it('moves a card within its column, counting places among the other cards', () => {
		expect(ids(withCardMoved(board(), 'a', { column: 1, index: 2 }))).toEqual([
			[],
			['b', 'c', 'a'],
			['d']
		]);
		expect(ids(withCardMoved(board(), 'c', { column: 1, index: 0 }))).toEqual([
			[],
			['c', 'a', 'b'],
			['d']
		]);
	});

	it('moves a card to another column and keeps the counts', () => {
		const next = withCardMoved(board(), 'b', { column: 2, index: 1 });
		expect(ids(next)).toEqual([[], ['a', 'c'], ['d', 'b']]);
		expect(next.map((column) => column.total)).toEqual([0, 2, 2]);
	});

	it('leaves the board alone for a card it does not show', () => {
		const columns = board();
		expect(withCardMoved(columns, 'x', { column: 0, index: 0 })).toBe(columns);
	});
});

describe('neighbours and places', () => {
	it('names the cards around a moved card', () => {
		const next = withCardMoved(board(), 'd', { column: 1, index: 1 });
		expect(neighboursOf(next, 'd')).toEqual({ after: 'a', before: 'b' });
		expect(neighboursOf(next, 'a')).toEqual({ after: undefined, before: 'd' });
	});

	it('knows a drop where the card already is', () => {
		expect(isSamePlace(board(), 'b', { column: 1, index: 1 })).toBe(true);
		expect(isSamePlace(board(), 'b', { column: 2, index: 1 })).toBe(false);
	});
});

describe('defaultCardFields', () => {
	const field = (key: string, kind: FieldDef['kind']): FieldDef => ({
		id: key,
		key,
		name: key,
		kind,
		options: {},
		position: 0,
		isRequired: false,
		isUnique: false,
		checkinAccess: 'none'
	});

	it('shows the person, the date and the other selects, not the title or the columns', () => {
		const fields = [
			field('title', 'text'),
			field('status', 'single_select'),
			field('assignee', 'user'),
			field('due', 'date'),
			field('priority', 'single_select'),
			field('area', 'single_select')
		];
		expect(defaultCardFields(fields, 'status')).toEqual(['assignee', 'due', 'priority']);
	});
});

describe('arrowTarget', () => {
	it('moves a card up and down within its column, stopping at either end', () => {
		expect(arrowTarget(board(), { column: 1, index: 1 }, 'ArrowDown')).toEqual({
			column: 1,
			index: 2
		});
		expect(arrowTarget(board(), { column: 1, index: 1 }, 'ArrowUp')).toEqual({
			column: 1,
			index: 0
		});
		expect(arrowTarget(board(), { column: 1, index: 2 }, 'ArrowDown')).toBeNull();
		expect(arrowTarget(board(), { column: 1, index: 0 }, 'ArrowUp')).toBeNull();
	});

	it('moves a card sideways to the same place, or the end of a shorter column', () => {
		expect(arrowTarget(board(), { column: 1, index: 0 }, 'ArrowRight')).toEqual({
			column: 2,
			index: 0
		});
		expect(arrowTarget(board(), { column: 1, index: 2 }, 'ArrowRight')).toEqual({
			column: 2,
			index: 1
		});
		expect(arrowTarget(board(), { column: 1, index: 2 }, 'ArrowLeft')).toEqual({
			column: 0,
			index: 0
		});
	});

	it('goes nowhere past the outer columns or on other keys', () => {
		expect(arrowTarget(board(), { column: 2, index: 0 }, 'ArrowRight')).toBeNull();
		expect(arrowTarget(board(), { column: 0, index: 0 }, 'ArrowLeft')).toBeNull();
		expect(arrowTarget(board(), { column: 1, index: 0 }, 'Enter')).toBeNull();
		expect(isArrowKey('ArrowLeft')).toBe(true);
		expect(isArrowKey('Enter')).toBe(false);
	});
});

describe('withLiveChange', () => {
	const everyone: BoardLens = { field: 'status', assigneeField: 'owner', assignee: null };
	const mine: BoardLens = { ...everyone, assignee: 'u1' };
	const update = (id: string, values: CardChange['values']): CardChange => ({
		id,
		action: 'update',
		values
	});
	const totals = (columns: BoardColumn[]) => columns.map((column) => column.total);

	it('patches the values of a card in place, leaving the rest of the board as it was', () => {
		const columns = board();
		const { columns: next, isReloadNeeded } = withLiveChange(
			columns,
			update('b', { title: 'Renamed' }),
			everyone
		);
		expect(isReloadNeeded).toBe(false);
		expect(next[1]!.cards[1]!.record).toEqual({ id: 'b', type: 'tasks', title: 'Renamed' });
		expect(ids(next)).toEqual(ids(columns));
		expect(next[2]).toBe(columns[2]);
		expect(columns[1]!.cards[1]!.record).toEqual({ id: 'b', type: 'tasks' });
	});

	it('takes a deleted card off its column and counts it out', () => {
		const { columns, isReloadNeeded } = withLiveChange(
			board(),
			{ id: 'b', action: 'delete', values: {} },
			everyone
		);
		expect(isReloadNeeded).toBe(false);
		expect(ids(columns)).toEqual([[], ['a', 'c'], ['d']]);
		expect(totals(columns)).toEqual([0, 2, 1]);
	});

	it('takes a card off a board narrowed to someone when it is assigned to another', () => {
		const outcome = withLiveChange(board(), update('d', { owner: 'u2' }), mine);
		expect(outcome.isReloadNeeded).toBe(false);
		expect(ids(outcome.columns)).toEqual([[], ['a', 'b', 'c'], []]);
		const unassigned = { ...mine, assignee: 'none' };
		expect(ids(withLiveChange(board(), update('d', { owner: null }), unassigned).columns)).toEqual([
			[],
			['a', 'b', 'c'],
			['d']
		]);
		expect(ids(withLiveChange(board(), update('d', { owner: 'u2' }), everyone).columns)).toEqual([
			[],
			['a', 'b', 'c'],
			['d']
		]);
	});

	const moved = (id: string, values: CardChange['values'], position: number | null) => ({
		...update(id, values),
		position
	});
	/** The board with each card at the position its order gives it: a 1, b 2, c 3, d 4. */
	const placed = (): BoardColumn[] => {
		const columns = board();
		for (const [index, each] of columns.flatMap((column) => column.cards).entries()) {
			each.position = index + 1;
		}
		return columns;
	};

	it('puts a card someone moved to another column where its position places it', () => {
		const outcome = withLiveChange(placed(), moved('a', { status: 'Done' }, 5), everyone);
		expect(outcome.isReloadNeeded).toBe(false);
		expect(ids(outcome.columns)).toEqual([[], ['b', 'c'], ['d', 'a']]);
		expect(totals(outcome.columns)).toEqual([0, 2, 2]);
		expect(outcome.columns[2]!.cards[1]).toMatchObject({
			position: 5,
			record: { id: 'a', status: 'Done' }
		});
		const between = withLiveChange(placed(), moved('d', { status: 'To do' }, 2.5), everyone);
		expect(ids(between.columns)).toEqual([[], ['a', 'b', 'd', 'c'], []]);
		expect(totals(between.columns)).toEqual([0, 4, 0]);
		// A value that is no choice shows with the empty ones.
		const gone = withLiveChange(placed(), moved('b', { status: 'Gone' }, 2), everyone);
		expect(ids(gone.columns)).toEqual([['b'], ['a', 'c'], ['d']]);
	});

	it('reorders a card within its column by the position of a move without values', () => {
		const top = withLiveChange(placed(), moved('c', {}, 0.5), everyone);
		expect(top.isReloadNeeded).toBe(false);
		expect(ids(top.columns)).toEqual([[], ['c', 'a', 'b'], ['d']]);
		expect(totals(top.columns)).toEqual([0, 3, 1]);
		expect(ids(withLiveChange(placed(), moved('a', {}, 2.5), everyone).columns)).toEqual([
			[],
			['b', 'a', 'c'],
			['d']
		]);
		// Equal positions fall back to the ids, as the server orders them.
		expect(ids(withLiveChange(placed(), moved('c', {}, 2), everyone).columns)).toEqual([
			[],
			['a', 'b', 'c'],
			['d']
		]);
	});

	it('leaves its own move where the page put it when the change comes back', () => {
		const columns = placed();
		const mine = withCardMoved(columns, 'c', { column: 1, index: 0 });
		const echo = withLiveChange(mine, moved('c', {}, 0.5), everyone);
		expect(echo.isReloadNeeded).toBe(false);
		expect(ids(echo.columns)).toEqual(ids(mine));
		expect(echo.columns[1]!.cards[0]!.position).toBe(0.5);
	});

	it('keeps the position of a card whose column changed by an edit, not a move', () => {
		const outcome = withLiveChange(placed(), update('a', { status: 'Done' }), everyone);
		expect(outcome.isReloadNeeded).toBe(false);
		expect(ids(outcome.columns)).toEqual([[], ['b', 'c'], ['a', 'd']]);
		expect(totals(outcome.columns)).toEqual([0, 2, 2]);
	});

	it('reloads for a move that renumbered its column: the places it holds are stale', () => {
		expect(withLiveChange(placed(), moved('a', { status: 'Done' }, null), everyone)).toEqual({
			columns: placed(),
			isReloadNeeded: true
		});
		expect(withLiveChange(placed(), moved('x', {}, null), mine).isReloadNeeded).toBe(true);
	});

	it('counts a card moved past the first cards of a column without showing it', () => {
		const cut = placed();
		cut[2]!.total = 250;
		const past = withLiveChange(cut, moved('a', { status: 'Done' }, 9), everyone);
		expect(past.isReloadNeeded).toBe(false);
		expect(ids(past.columns)).toEqual([[], ['b', 'c'], ['d']]);
		expect(totals(past.columns)).toEqual([0, 2, 251]);
		const among = withLiveChange(cut, moved('a', { status: 'Done' }, 3.5), everyone);
		expect(ids(among.columns)).toEqual([[], ['b', 'c'], ['a', 'd']]);
		// The end of a column that shows all its cards is still on the board.
		const end = withLiveChange(placed(), moved('a', {}, 9), everyone);
		expect(ids(end.columns)).toEqual([[], ['b', 'c', 'a'], ['d']]);
	});

	it('patches a change of the column field that leaves the card in its column', () => {
		const outcome = withLiveChange(board(), update('d', { status: 'Done', title: 'y' }), everyone);
		expect(outcome.isReloadNeeded).toBe(false);
		expect(outcome.columns[2]!.cards[0]!.record).toMatchObject({ status: 'Done', title: 'y' });
	});

	it('reloads for a new record it shows, and ignores one for someone else', () => {
		const created = (owner: string | null): CardChange => ({
			id: 'n',
			action: 'create',
			values: { title: 'New', status: 'Done', owner }
		});
		expect(withLiveChange(board(), created('u2'), everyone).isReloadNeeded).toBe(true);
		expect(withLiveChange(board(), created('u1'), mine).isReloadNeeded).toBe(true);
		expect(withLiveChange(board(), created('u2'), mine)).toEqual({
			columns: board(),
			isReloadNeeded: false
		});
	});

	it('reloads for a record it does not hold only when that record may now belong on it', () => {
		const columns = board();
		const elsewhere = (values: CardChange['values'], lens = mine) =>
			withLiveChange(columns, update('x', values), lens);
		expect(elsewhere({ owner: 'u1' })).toEqual({ columns, isReloadNeeded: true });
		expect(elsewhere({ owner: 'u2' })).toEqual({ columns, isReloadNeeded: false });
		expect(elsewhere({ title: 'z' })).toEqual({ columns, isReloadNeeded: false });
		expect(elsewhere({ status: 'Done' }, everyone)).toEqual({ columns, isReloadNeeded: false });
		expect(withLiveChange(columns, { id: 'x', action: 'delete', values: {} }, everyone)).toEqual({
			columns,
			isReloadNeeded: false
		});
		// A column showing only its first cards: the record may be one of the rest.
		const cut = board();
		cut[1]!.total = 250;
		expect(withLiveChange(cut, update('x', { status: 'To do' }), everyone).isReloadNeeded).toBe(
			true
		);
		expect(withLiveChange(cut, moved('x', {}, 3), everyone).isReloadNeeded).toBe(true);
		expect(withLiveChange(columns, moved('x', {}, 3), everyone)).toEqual({
			columns,
			isReloadNeeded: false
		});
		expect(
			withLiveChange(cut, { id: 'x', action: 'delete', values: {} }, everyone).isReloadNeeded
		).toBe(true);
		expect(withLiveChange(cut, update('x', { title: 'z' }), everyone).isReloadNeeded).toBe(false);
	});
});
