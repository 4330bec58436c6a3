import { describe, expect, it } from 'vitest';
import type { FieldDef } from '$lib/components/fields/types';
import {
	defaultCardFields,
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
