// The user's own card moves: a drag with the pointer or a pick-up from the keyboard, shown at
// once and then sent to the server, which places the card between its new neighbours. The board
// is not asked for again after a move the server took: it already shows what the server did.
// A refused move is undone with a message, and the board reloaded, since the refusal may come
// from a change this page has not seen.
import {
	locate,
	neighboursOf,
	isSamePlace,
	withCardMoved
} from '$lib/components/board/board-state';
import type { BoardColumn } from '$lib/components/board/board-state';
import { boardApi } from '$lib/components/board/board-api';
import {
	handleMoveKey,
	type KeyboardMoveBoard,
	type PickedCard
} from '$lib/components/board/keyboard-move';
import { PointerDrag, type DragSession } from '$lib/components/board/pointer-drag';
import { messageOf } from '$lib/components/fields/api';

export interface BoardMovesOptions {
	/** The cards shown, which a move rearranges. */
	board: { columns: BoardColumn[] };
	space(): string;
	type(): string;
	/** The board's column field; no moves without one. */
	field(): string | null;
	/** The card's title, for what a screen reader hears and the message of a refused move. */
	titleOf(id: string, columns: BoardColumn[]): string;
	/** "Done, position 2 of 5". */
	placeOf(columns: BoardColumn[], id: string): string;
	announce(text: string): void;
	onProblem(message: string | null): void;
	/** The server refused the move. */
	onRefused(): void;
	/** The move ended, taken, refused or cancelled. */
	onSettled(): void;
	focusCard(id: string): void;
	revealColumn(index: number): void;
}

export class BoardMoves implements KeyboardMoveBoard {
	drag = $state<DragSession | null>(null);
	picked = $state<PickedCard | null>(null);
	private pending = $state(0);
	readonly pointer: PointerDrag;

	constructor(private readonly options: BoardMovesOptions) {
		this.pointer = new PointerDrag({
			onStart: (session) => {
				this.drag = session;
				this.picked = null;
				const { columns } = options.board;
				if (locate(columns, session.id)) {
					options.announce(
						`Picked up ${options.titleOf(session.id, columns)}. ${options.placeOf(columns, session.id)}`
					);
				}
			},
			onMove: (session) => (this.drag = session),
			onDrop: (session) => this.drop(session),
			onCancel: () => {
				this.drag = null;
				options.announce('Move cancelled');
				options.onSettled();
			}
		});
	}

	/** Whether a move is under way: dragged, picked up, or on its way to the server. */
	get isBusy(): boolean {
		return this.drag !== null || this.picked !== null || this.pending > 0;
	}

	/** A click that ends a drag or lands while a card is picked up opens nothing. */
	get isClickTaken(): boolean {
		return this.pointer.didDrag || this.picked !== null;
	}

	pointerDown(event: PointerEvent, id: string): void {
		if (!this.options.field() || this.picked) return;
		if ((event.target as HTMLElement).closest('button, input, select, textarea')) return;
		this.pointer.down(event, id, event.currentTarget as HTMLElement);
	}

	/** Space picks up and drops, arrows move, Escape puts the card back. */
	keyDown(event: KeyboardEvent, id: string): void {
		if (this.options.field()) handleMoveKey(event, id, this);
	}

	// What a keyboard move reads and writes (KeyboardMoveBoard).
	get columns(): BoardColumn[] {
		return this.options.board.columns;
	}
	set columns(next: BoardColumn[]) {
		this.options.board.columns = next;
	}
	titleOf = (id: string) => this.options.titleOf(id, this.columns);
	placeOf = (columns: BoardColumn[], id: string) => this.options.placeOf(columns, id);
	announce = (text: string) => this.options.announce(text);
	commit = (id: string, before: BoardColumn[], next: BoardColumn[]) =>
		void this.send(id, before, next);
	settle = () => this.options.onSettled();
	focusCard = (id: string) => this.options.focusCard(id);
	revealColumn = (index: number) => this.options.revealColumn(index);

	private drop(session: DragSession): void {
		this.drag = null;
		const { columns } = this.options.board;
		const target = session.target;
		if (!target || isSamePlace(columns, session.id, target)) {
			this.options.onSettled();
			return;
		}
		void this.send(session.id, columns, withCardMoved(columns, session.id, target));
	}

	/** Shows `next` at once, then asks the server to make it so; undoes it if refused. */
	private async send(id: string, before: BoardColumn[], next: BoardColumn[]): Promise<void> {
		const { options } = this;
		const place = locate(next, id);
		const field = options.field();
		if (!place || !field) return;
		const title = options.titleOf(id, next);
		options.board.columns = next;
		options.onProblem(null);
		this.pending++;
		try {
			await boardApi.move(options.space(), options.type(), id, {
				field,
				status: next[place.column]!.value,
				...neighboursOf(next, id)
			});
			options.announce(`${title} moved to ${options.placeOf(next, id)}`);
		} catch (failure) {
			options.board.columns = before;
			const problem = `${title} was not moved: ${messageOf(failure)}`;
			options.onProblem(problem);
			options.announce(problem);
			options.onRefused();
		} finally {
			this.pending--;
			options.onSettled();
		}
	}
}
