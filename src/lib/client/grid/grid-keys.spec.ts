import { describe, expect, it } from 'vitest';
import { gridCommand, stepCell, type KeyContext, type KeyPress } from './grid-keys';

const press = (key: string, mods: Partial<KeyPress> = {}): KeyPress => ({
	key,
	shiftKey: false,
	ctrlKey: false,
	metaKey: false,
	altKey: false,
	...mods
});
const context: KeyContext = {
	active: { row: 5, col: 2 },
	rows: 100,
	cols: 4,
	pageRows: 20,
	isCheckbox: false
};

describe('gridCommand', () => {
	it('shows the shortcuts on ? and Ctrl or Cmd+/, instead of typing a "?" into the cell', () => {
		expect(gridCommand(press('?', { shiftKey: true }), context)).toEqual({ type: 'help' });
		expect(gridCommand(press('/', { ctrlKey: true }), context)).toEqual({ type: 'help' });
		expect(gridCommand(press('/'), context)).toEqual({ type: 'edit', initialText: '/' });
	});

	it('moves by arrows, to the edges with Ctrl or Cmd, and extends with Shift', () => {
		expect(gridCommand(press('ArrowDown'), context)).toEqual({
			type: 'move',
			to: { row: 6, col: 2 },
			extend: false
		});
		expect(gridCommand(press('ArrowUp', { metaKey: true }), context)).toMatchObject({
			to: { row: 0, col: 2 }
		});
		expect(gridCommand(press('ArrowRight', { ctrlKey: true, shiftKey: true }), context)).toEqual({
			type: 'move',
			to: { row: 5, col: 3 },
			extend: true
		});
		expect(gridCommand(press('End', { ctrlKey: true }), context)).toMatchObject({
			to: { row: 99, col: 3 }
		});
		expect(gridCommand(press('PageDown'), context)).toMatchObject({ to: { row: 25, col: 2 } });
	});

	it('wraps Tab to the next row and Shift+Tab to the previous, and stays at the ends', () => {
		const atEnd = { ...context, active: { row: 5, col: 3 } };
		expect(gridCommand(press('Tab'), atEnd)).toMatchObject({ to: { row: 6, col: 0 } });
		const atStart = { ...context, active: { row: 5, col: 0 } };
		expect(gridCommand(press('Tab', { shiftKey: true }), atStart)).toMatchObject({
			to: { row: 4, col: 3 },
			extend: false
		});
		expect(gridCommand(press('Tab'), { ...context, active: { row: 99, col: 3 } })).toEqual({
			type: 'stay'
		});
	});

	it('edits on Enter, F2 and typing; Space toggles a checkbox and Shift+Space opens the record', () => {
		expect(gridCommand(press('Enter'), context)).toEqual({ type: 'edit', initialText: null });
		expect(gridCommand(press('F2'), context)).toEqual({ type: 'edit', initialText: null });
		expect(gridCommand(press('q'), context)).toEqual({ type: 'edit', initialText: 'q' });
		expect(gridCommand(press(' '), context)).toEqual({ type: 'edit', initialText: ' ' });
		expect(gridCommand(press(' '), { ...context, isCheckbox: true })).toEqual({ type: 'toggle' });
		expect(gridCommand(press(' ', { shiftKey: true }), context)).toEqual({ type: 'open-record' });
	});

	it('maps undo, redo, select all, clear and Escape, and leaves other keys alone', () => {
		expect(gridCommand(press('z', { ctrlKey: true }), context)).toEqual({ type: 'undo' });
		expect(gridCommand(press('Z', { metaKey: true, shiftKey: true }), context)).toEqual({
			type: 'redo'
		});
		expect(gridCommand(press('y', { ctrlKey: true }), context)).toEqual({ type: 'redo' });
		expect(gridCommand(press('a', { metaKey: true }), context)).toEqual({ type: 'select-all' });
		expect(gridCommand(press('Backspace'), context)).toEqual({ type: 'clear' });
		expect(gridCommand(press('Escape'), context)).toEqual({ type: 'collapse' });
		expect(gridCommand(press('c', { ctrlKey: true }), context)).toBeNull();
		expect(gridCommand(press('x', { altKey: true }), context)).toBeNull();
		expect(gridCommand(press('Shift', { shiftKey: true }), context)).toBeNull();
	});
});

describe('stepCell', () => {
	it('steps one cell in each direction, unclamped', () => {
		const from = { row: 0, col: 3 };
		expect(['up', 'down', 'left', 'right'].map((way) => stepCell(from, way as 'up'))).toEqual([
			{ row: -1, col: 3 },
			{ row: 1, col: 3 },
			{ row: 0, col: 2 },
			{ row: 0, col: 4 }
		]);
	});
});
