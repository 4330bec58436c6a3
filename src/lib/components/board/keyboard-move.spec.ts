import { describe, expect, it, vi } from 'vitest';
import type { BoardColumn } from './board-state';
import { handleMoveKey, type KeyboardMoveBoard } from './keyboard-move';

const card = (id: string) => ({ id, position: 0, record: { id, type: 'tasks' } });
const ids = (columns: BoardColumn[]) =>
	columns.map((column) => column.cards.map((each) => each.id));

function board(): KeyboardMoveBoard & { heard: string[] } {
	const heard: string[] = [];
	return {
		heard,
		columns: [
			{ value: 'To do', total: 2, cards: [card('a'), card('b')] },
			{ value: 'Done', total: 1, cards: [card('c')] }
		],
		picked: null,
		titleOf: (id) => `card ${id}`,
		placeOf: () => 'here',
		announce: (text) => heard.push(text),
		commit: vi.fn(),
		settle: vi.fn(),
		focusCard: vi.fn(),
		revealColumn: vi.fn()
	};
}

/** The part of a key event the handler reads (the unit tests run without a DOM). */
function press(key: string): KeyboardEvent {
	const event = {
		key,
		defaultPrevented: false,
		preventDefault() {
			event.defaultPrevented = true;
		}
	};
	return event as unknown as KeyboardEvent;
}

describe('handleMoveKey', () => {
	it('picks a card up, moves it with the arrows and sends the drop', () => {
		const state = board();
		const before = state.columns;
		expect(handleMoveKey(press(' '), 'a', state)).toBe(true);
		expect(state.picked?.id).toBe('a');
		expect(state.heard[0]).toMatch(/^Picked up card a/);
		handleMoveKey(press('ArrowRight'), 'a', state);
		expect(ids(state.columns)).toEqual([['b'], ['a', 'c']]);
		expect(state.revealColumn).toHaveBeenCalledWith(1);
		handleMoveKey(press(' '), 'a', state);
		expect(state.picked).toBeNull();
		expect(state.commit).toHaveBeenCalledWith('a', before, state.columns);
	});

	it('puts the card back on Escape and sends nothing', () => {
		const state = board();
		const before = state.columns;
		handleMoveKey(press(' '), 'b', state);
		handleMoveKey(press('ArrowUp'), 'b', state);
		expect(ids(state.columns)).toEqual([['b', 'a'], ['c']]);
		const escape = press('Escape');
		expect(handleMoveKey(escape, 'b', state)).toBe(true);
		expect(escape.defaultPrevented).toBe(true);
		expect(state.columns).toBe(before);
		expect(state.heard.at(-1)).toMatch(/^Move cancelled/);
		expect(state.commit).not.toHaveBeenCalled();
		expect(state.settle).toHaveBeenCalled();
	});

	it('drops a card where it was without a request, and leaves other keys alone', () => {
		const state = board();
		handleMoveKey(press(' '), 'c', state);
		expect(handleMoveKey(press('ArrowDown'), 'c', state)).toBe(true);
		handleMoveKey(press('Enter'), 'c', state);
		expect(state.heard.at(-1)).toBe('card c dropped where it was');
		expect(state.commit).not.toHaveBeenCalled();
		expect(handleMoveKey(press('x'), 'c', state)).toBe(false);
		expect(handleMoveKey(press('ArrowLeft'), 'a', state)).toBe(false);
	});
});
