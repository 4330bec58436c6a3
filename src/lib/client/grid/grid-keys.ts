// What a key pressed on a grid cell asks for, as spreadsheets have it: arrows move (Ctrl/Cmd to
// the edge, Shift extends the range), Tab walks and wraps, Enter/F2 edit, typing replaces, Delete
// clears, Ctrl/Cmd+Z/Y undo and redo, Ctrl/Cmd+A selects all, ? lists the shortcuts. Pure, so the grid only carries
// the command out and tests need no DOM.
import type { Cell } from './selection.svelte';

export type GridCommand =
	/** Move the active cell (clamped to the sheet by the grid); `extend` grows the range. */
	| { type: 'move'; to: Cell; extend: boolean }
	/** Open the editor; `initialText` replaces the value, null keeps it. */
	| { type: 'edit'; initialText: string | null }
	| { type: 'toggle' }
	| { type: 'collapse' }
	| { type: 'clear' }
	| { type: 'open-record' }
	| { type: 'undo' }
	| { type: 'redo' }
	| { type: 'select-all' }
	/** Show the keyboard shortcuts: `?` (a cell starting with "?" is typed after Enter). */
	| { type: 'help' }
	/** Taken (the browser must not act on it), but nothing to do: Tab at the last cell. */
	| { type: 'stay' };

export interface KeyPress {
	key: string;
	shiftKey: boolean;
	ctrlKey: boolean;
	metaKey: boolean;
	altKey: boolean;
}

export interface KeyContext {
	active: Cell;
	/** Rows and columns in the sheet. */
	rows: number;
	cols: number;
	/** Rows PageUp and PageDown move by. */
	pageRows: number;
	isCheckbox: boolean;
}

/** The command for a key, or null when the grid leaves the key alone. */
export function gridCommand(press: KeyPress, context: KeyContext): GridCommand | null {
	const isMod = press.ctrlKey || press.metaKey;
	const { row, col } = context.active;
	const lastRow = context.rows - 1;
	const lastCol = context.cols - 1;
	const move = (to: Cell, extend = press.shiftKey): GridCommand => ({ type: 'move', to, extend });
	switch (press.key) {
		case 'ArrowUp':
			return move({ row: isMod ? 0 : row - 1, col });
		case 'ArrowDown':
			return move({ row: isMod ? lastRow : row + 1, col });
		case 'ArrowLeft':
			return move({ row, col: isMod ? 0 : col - 1 });
		case 'ArrowRight':
			return move({ row, col: isMod ? lastCol : col + 1 });
		case 'Tab':
			return tabCommand(press.shiftKey, context);
		case 'Home':
			return move({ row: isMod ? 0 : row, col: 0 });
		case 'End':
			return move({ row: isMod ? lastRow : row, col: lastCol });
		case 'PageDown':
			return move({ row: row + context.pageRows, col });
		case 'PageUp':
			return move({ row: row - context.pageRows, col });
		case 'Enter':
		case 'F2':
			return { type: 'edit', initialText: null };
		case 'Escape':
			return { type: 'collapse' };
		case 'Delete':
		case 'Backspace':
			return { type: 'clear' };
		case ' ':
			if (press.shiftKey) return { type: 'open-record' };
			return context.isCheckbox ? { type: 'toggle' } : { type: 'edit', initialText: ' ' };
	}
	const letter = press.key.toLowerCase();
	if (isMod && letter === 'z') return { type: press.shiftKey ? 'redo' : 'undo' };
	if (isMod && letter === 'y') return { type: 'redo' };
	if (isMod && letter === 'a') return { type: 'select-all' };
	if ((press.key === '?' && !isMod && !press.altKey) || (isMod && press.key === '/'))
		return { type: 'help' };
	if (press.key.length === 1 && !isMod && !press.altKey)
		return { type: 'edit', initialText: press.key };
	return null;
}

/** Tab moves right and wraps to the next row's first cell; Shift+Tab the other way. */
function tabCommand(isBack: boolean, { active, rows, cols }: KeyContext): GridCommand {
	const { row, col } = active;
	const to = (cell: Cell): GridCommand => ({ type: 'move', to: cell, extend: false });
	if (isBack) {
		if (col > 0) return to({ row, col: col - 1 });
		if (row > 0) return to({ row: row - 1, col: cols - 1 });
	} else {
		if (col < cols - 1) return to({ row, col: col + 1 });
		if (row < rows - 1) return to({ row: row + 1, col: 0 });
	}
	return { type: 'stay' };
}

/** The cell next to `cell` in a direction (unclamped): where Enter, Tab and arrows end an edit. */
export function stepCell(cell: Cell, direction: 'up' | 'down' | 'left' | 'right'): Cell {
	const { row, col } = cell;
	if (direction === 'down') return { row: row + 1, col };
	if (direction === 'up') return { row: row - 1, col };
	return { row, col: direction === 'right' ? col + 1 : col - 1 };
}
