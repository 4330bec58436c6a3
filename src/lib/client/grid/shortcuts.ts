// The grid's keyboard shortcuts as the shortcut sheet (`?`) lists them. Keep in step with
// grid-keys.ts (what a key does on a cell) and editor-keys.ts (what it does in the editor).
export interface Shortcut {
	keys: string[];
	does: string;
}

export interface ShortcutGroup {
	title: string;
	shortcuts: Shortcut[];
}

/** `Mod` is shown as ⌘ on Apple devices and Ctrl elsewhere. */
export function shortcutGroups(mod: string): ShortcutGroup[] {
	return [
		{
			title: 'Move',
			shortcuts: [
				{ keys: ['↑', '↓', '←', '→'], does: 'Move one cell' },
				{ keys: [`${mod}+Arrow`], does: 'Jump to the edge of the sheet' },
				{ keys: ['Tab', 'Shift+Tab'], does: 'Next or previous cell, wrapping rows' },
				{ keys: ['Home', 'End'], does: 'First or last cell of the row' },
				{ keys: ['PageUp', 'PageDown'], does: 'A screen up or down' }
			]
		},
		{
			title: 'Select',
			shortcuts: [
				{ keys: ['Shift+Arrow'], does: 'Grow the selection' },
				{ keys: [`${mod}+A`], does: 'Select every cell' },
				{ keys: ['Esc'], does: 'Back to one cell' }
			]
		},
		{
			title: 'Edit',
			shortcuts: [
				{ keys: ['Enter', 'F2'], does: 'Edit the cell' },
				{ keys: ['Any letter'], does: 'Replace the value, typing' },
				{ keys: ['Space'], does: 'Tick or untick a checkbox' },
				{ keys: ['Delete', 'Backspace'], does: 'Clear the selected cells' },
				{ keys: ['Enter', 'Tab'], does: 'In the editor: save and move on' },
				{ keys: ['Esc'], does: 'In the editor: cancel' },
				{
					keys: [`${mod}+C`, `${mod}+X`, `${mod}+V`],
					does: 'Copy, cut, paste (from spreadsheets too)'
				},
				{ keys: [`${mod}+Z`, `${mod}+Shift+Z`], does: 'Undo, redo' }
			]
		},
		{
			title: 'Records',
			shortcuts: [
				{ keys: ['Shift+Space'], does: 'Open the record' },
				{ keys: ['Right-click a header'], does: 'The field’s menu' },
				{ keys: ['?', `${mod}+/`], does: 'This list (press Enter first to type “?” in a cell)' }
			]
		}
	];
}

/**
 * Whether a key pressed on the page (outside the grid's cells, which ask on their own) opens
 * the shortcut sheet: `?` or Mod+/, unless typed into a text box or a dialog.
 */
export function opensShortcutSheet(event: KeyboardEvent): boolean {
	const isHelpKey = event.key === '?' || (event.key === '/' && (event.ctrlKey || event.metaKey));
	if (event.defaultPrevented || !isHelpKey) return false;
	const target = event.target as HTMLElement | null;
	return !target?.closest('input, textarea, select, [contenteditable], [role="dialog"]');
}
