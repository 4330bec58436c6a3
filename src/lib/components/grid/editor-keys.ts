// How an editor's keys end an edit, shared by every cell editor so they all behave like a
// spreadsheet: Enter commits and moves down (Shift+Enter up), Tab right (Shift+Tab left), Esc
// cancels.
export type Move = 'down' | 'up' | 'right' | 'left' | null;

export interface EditorActions {
	commit(move: Move): void;
	cancel(): void;
}

/** Handles the ending keys; returns true when it took the key. */
export function handleEditorKey(
	event: KeyboardEvent,
	actions: EditorActions,
	options: { isMultiline?: boolean } = {}
): boolean {
	if (event.isComposing) return false;
	if (event.key === 'Escape') {
		event.preventDefault();
		event.stopPropagation();
		actions.cancel();
		return true;
	}
	if (event.key === 'Tab') {
		event.preventDefault();
		event.stopPropagation();
		actions.commit(event.shiftKey ? 'left' : 'right');
		return true;
	}
	if (event.key === 'Enter') {
		if (options.isMultiline && event.shiftKey) return false;
		event.preventDefault();
		event.stopPropagation();
		actions.commit(options.isMultiline ? 'down' : event.shiftKey ? 'up' : 'down');
		return true;
	}
	return false;
}
