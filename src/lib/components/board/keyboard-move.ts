// Moving a card from the keyboard: Space picks it up and drops it, the arrows move it, Escape
// puts it back. The board shows each step at once; only the drop goes to the server.
import { arrowTarget, isArrowKey, locate, withCardMoved, type BoardColumn } from './board-state';

/** A card picked up, with the board as it was, to put back on Escape or a refused move. */
export interface PickedCard {
	id: string;
	before: BoardColumn[];
}

export interface KeyboardMoveBoard {
	columns: BoardColumn[];
	picked: PickedCard | null;
	/** The card's title, for what a screen reader hears. */
	titleOf(id: string): string;
	/** "Done, position 2 of 5". */
	placeOf(columns: BoardColumn[], id: string): string;
	announce(text: string): void;
	/** Sends a drop to the server (and puts the card back if refused). */
	commit(id: string, before: BoardColumn[], next: BoardColumn[]): void;
	/** The move ended without a change: a refresh held back meanwhile may run. */
	settle(): void;
	focusCard(id: string): void;
	revealColumn(index: number): void;
}

/** Handles a move key on a card; returns whether it took the key. */
export function handleMoveKey(event: KeyboardEvent, id: string, board: KeyboardMoveBoard): boolean {
	const place = locate(board.columns, id);
	if (!place) return false;
	const picked = board.picked;
	if (event.key === ' ' || (event.key === 'Enter' && picked?.id === id)) {
		event.preventDefault();
		if (picked?.id === id) drop(id, picked, board);
		else pickUp(id, board);
		return true;
	}
	if (picked?.id !== id) return false;
	if (event.key === 'Escape') {
		event.preventDefault();
		board.columns = picked.before;
		board.picked = null;
		board.announce(
			`Move cancelled. ${board.titleOf(id)} is back in ${board.placeOf(board.columns, id)}`
		);
		board.focusCard(id);
		board.settle();
		return true;
	}
	if (!isArrowKey(event.key)) return false;
	event.preventDefault();
	const target = arrowTarget(board.columns, place, event.key);
	if (!target) return true;
	board.columns = withCardMoved(board.columns, id, target);
	board.announce(board.placeOf(board.columns, id));
	board.focusCard(id);
	if (target.column !== place.column) board.revealColumn(target.column);
	return true;
}

function pickUp(id: string, board: KeyboardMoveBoard): void {
	if (board.picked) board.columns = board.picked.before;
	board.picked = { id, before: board.columns };
	board.announce(
		`Picked up ${board.titleOf(id)}. ${board.placeOf(board.columns, id)}. Use the arrow keys to move it, Space to drop it, Escape to cancel.`
	);
}

function drop(id: string, picked: PickedCard, board: KeyboardMoveBoard): void {
	board.picked = null;
	const from = locate(picked.before, id);
	const to = locate(board.columns, id);
	if (from && to && from.column === to.column && from.index === to.index) {
		board.announce(`${board.titleOf(id)} dropped where it was`);
		board.settle();
	} else board.commit(id, picked.before, board.columns);
}
