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

	it('reloads for a move or reorder by someone else: the change does not say where in the column', () => {
		expect(withLiveChange(board(), update('a', { status: 'Done' }), everyone).isReloadNeeded).toBe(
			true
		);
		expect(withLiveChange(board(), update('a', {}), everyone).isReloadNeeded).toBe(true);
		// A value that is no choice shows with the empty ones: that is a move too.
		expect(withLiveChange(board(), update('a', { status: 'Gone' }), everyone).isReloadNeeded).toBe(
			true
		);
	});

	it('keeps the place of its own move coming back, patching the other values', () => {
		const moved = withCardMoved(board(), 'a', { column: 2, index: 1 });
		const echo = withLiveChange(moved, update('a', { status: 'Done', title: 'x' }), everyone, true);
		expect(echo.isReloadNeeded).toBe(false);
		expect(ids(echo.columns)).toEqual([[], ['b', 'c'], ['d', 'a']]);
		expect(echo.columns[2]!.cards[1]!.record.title).toBe('x');
		const reorder = withLiveChange(moved, update('a', {}), everyone, true);
		expect(reorder).toEqual({ columns: moved, isReloadNeeded: false });
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
		expect(withLiveChange(cut, update('x', {}), everyone).isReloadNeeded).toBe(true);
		expect(
			withLiveChange(cut, { id: 'x', action: 'delete', values: {} }, everyone).isReloadNeeded
		).toBe(true);
		expect(withLiveChange(cut, update('x', { title: 'z' }), everyone).isReloadNeeded).toBe(false);
	});
});
