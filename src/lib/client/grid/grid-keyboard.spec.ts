import { describe, expect, it, vi } from 'vitest';
import type { CellEditing } from './cell-editing.svelte';
import { layoutColumns, toGridField } from './fields';
import { GridKeyboard, type KeyboardContext } from './grid-keyboard';
import type { GridLive } from './live.svelte';
import { Selection } from './selection.svelte';

const columns = layoutColumns(
	(['text', 'checkbox', 'number'] as const).map((kind) =>
		toGridField({
			id: kind,
			key: kind,
			name: kind,
			kind,
			options: {},
			position: 0,
			isRequired: false,
			isUnique: false
		})
	),
	{}
);

/** A keydown on a cell (or, with `onCell` false, on something else in the grid). */
function keydown(key: string, mods: Partial<KeyboardEvent> = {}, onCell = true) {
	return {
		key,
		shiftKey: false,
		ctrlKey: false,
		metaKey: false,
		altKey: false,
		isComposing: false,
		target: { closest: () => (onCell ? {} : null) },
		preventDefault: vi.fn(),
		...mods
	} as unknown as KeyboardEvent & { preventDefault: ReturnType<typeof vi.fn> };
}

function keyboardOn(overrides: Partial<KeyboardContext> = {}) {
	const selection = new Selection();
	const context = {
		selection,
		editing: { cell: null, toggle: vi.fn() } as unknown as CellEditing,
		clipboard: { clear: vi.fn() },
		store: {
			total: 10,
			rowAt: (row: number) => ({ id: `r${row}` }),
			indexOf: (id: string) => Number(id.slice(1))
		},
		columns,
		viewportHeight: 600,
		live: null,
		canWrite: true,
		moveTo: vi.fn((cell) => selection.select(cell)),
		startEditing: vi.fn(),
		recordHref: (id: string) => `/records/${id}`,
		openPage: vi.fn(),
		onHelp: vi.fn(),
		...overrides
	} satisfies KeyboardContext;
	return { context, keyboard: new GridKeyboard(() => context) };
}

describe('GridKeyboard', () => {
	it('leaves keys alone while an editor is open or outside the cells', () => {
		const { context, keyboard } = keyboardOn({
			editing: { cell: { row: 0, col: 0 } } as unknown as CellEditing
		});
		const inEditor = keydown('ArrowDown');
		keyboard.keydown(inEditor);
		const { context: idle, keyboard: other } = keyboardOn();
		const offCell = keydown('ArrowDown', {}, false);
		other.keydown(offCell);
		expect(context.moveTo).not.toHaveBeenCalled();
		expect(idle.moveTo).not.toHaveBeenCalled();
		expect(inEditor.preventDefault).not.toHaveBeenCalled();
		expect(offCell.preventDefault).not.toHaveBeenCalled();
	});

	it('carries out what the key asks: move, tick a checkbox, select all, clear, open, help', () => {
		const { context, keyboard } = keyboardOn();
		const down = keydown('ArrowDown');
		keyboard.keydown(down);
		expect(down.preventDefault).toHaveBeenCalled();
		expect(context.moveTo).toHaveBeenCalledWith({ row: 1, col: 0 }, false);
		context.selection.select({ row: 1, col: 1 });
		keyboard.keydown(keydown(' '));
		expect(context.editing.toggle).toHaveBeenCalledWith({ row: 1, col: 1 });
		keyboard.keydown(keydown('a', { ctrlKey: true }));
		expect(context.selection.range).toEqual({ top: 0, bottom: 9, left: 0, right: 2 });
		keyboard.keydown(keydown('Delete'));
		expect(context.clipboard.clear).toHaveBeenCalled();
		keyboard.keydown(keydown(' ', { shiftKey: true }));
		expect(context.openPage).toHaveBeenCalledWith('/records/r9');
		keyboard.keydown(keydown('?'));
		expect(context.onHelp).toHaveBeenCalled();
	});

	it('moves to the cell an undo touched, and only undoes for writers', async () => {
		const live = { undo: vi.fn(async () => ({ record: 'r7', field: 'number' })) };
		const reader = keyboardOn({ live: live as unknown as GridLive, canWrite: false });
		reader.keyboard.keydown(keydown('z', { ctrlKey: true }));
		expect(live.undo).not.toHaveBeenCalled();
		const { context, keyboard } = keyboardOn({ live: live as unknown as GridLive });
		keyboard.keydown(keydown('z', { ctrlKey: true }));
		await vi.waitFor(() => expect(context.moveTo).toHaveBeenCalledWith({ row: 7, col: 2 }));
	});
});
