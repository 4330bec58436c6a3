import { describe, expect, it } from 'vitest';
import type { FieldDef } from '$lib/components/fields/types';
import {
	arrowTarget,
	canMoveCard,
	defaultCardFields,
	isArrowKey,
	isSamePlace,
	neighboursOf,
	withCardMoved,
	type BoardColumn
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

describe('canMoveCard', () => {
	const board = { field: 'status', assigneeField: 'owner', isNarrowedToAssignee: false };

	it('reloads for new and deleted records and for changes to the board field', () => {
		expect(canMoveCard({ action: 'create', values: { title: 'x' } }, board)).toBe(true);
		expect(canMoveCard({ action: 'delete', values: {} }, board)).toBe(true);
		expect(canMoveCard({ action: 'update', values: {} }, board)).toBe(true);
		expect(canMoveCard({ action: 'update', values: { status: 'Done' } }, board)).toBe(true);
	});

	it('patches other edits in place, and the assignee only while the board is narrowed to one', () => {
		expect(canMoveCard({ action: 'update', values: { title: 'y' } }, board)).toBe(false);
		expect(canMoveCard({ action: 'update', values: { owner: 'u1' } }, board)).toBe(false);
		expect(
			canMoveCard(
				{ action: 'update', values: { owner: 'u1' } },
				{ ...board, isNarrowedToAssignee: true }
			)
		).toBe(true);
	});
});
