// Column resize (drag a header's right edge) and reorder (drag the header itself). While a
// gesture runs, its state here drives the preview (the new width, the drop line); the view
// changes only once, on release, through the callbacks.
import { MAX_COLUMN_WIDTH, MIN_COLUMN_WIDTH } from './fields';

/** Pointer moves within this many px of the press are a click, not a drag. */
const DRAG_THRESHOLD = 5;

/** Sends the pointer's moves to `onMove` until it is released or cancelled, then calls `onEnd`. */
function followPointer(
	element: HTMLElement,
	event: PointerEvent,
	onMove: (event: PointerEvent) => void,
	onEnd: () => void
): void {
	element.setPointerCapture(event.pointerId);
	const end = () => {
		element.removeEventListener('pointermove', onMove);
		element.removeEventListener('pointerup', end);
		element.removeEventListener('pointercancel', end);
		onEnd();
	};
	element.addEventListener('pointermove', onMove);
	element.addEventListener('pointerup', end);
	element.addEventListener('pointercancel', end);
}

export class ColumnGestures {
	/** The column being resized and its width so far. */
	resizing = $state<{ key: string; width: number } | null>(null);
	/** The column being dragged and the column it would land before (null: at the end). */
	dragging = $state<{ key: string; before: string | null; hasMoved: boolean } | null>(null);

	/** Whether the drop line shows before column `key` (or after the last column, for null). */
	isDropBefore(key: string | null): boolean {
		return this.dragging?.hasMoved === true && this.dragging.before === key;
	}

	isDragged(key: string): boolean {
		return this.dragging?.hasMoved === true && this.dragging.key === key;
	}

	startResize(
		event: PointerEvent,
		column: { key: string; width: number },
		onResize: (key: string, width: number) => void
	): void {
		const { key, width: startWidth } = column;
		const startX = event.clientX;
		followPointer(
			event.target as HTMLElement,
			event,
			(move) => {
				const width = startWidth + move.clientX - startX;
				this.resizing = {
					key,
					width: Math.round(Math.min(MAX_COLUMN_WIDTH, Math.max(MIN_COLUMN_WIDTH, width)))
				};
			},
			() => {
				if (this.resizing && this.resizing.width !== startWidth) onResize(key, this.resizing.width);
				this.resizing = null;
			}
		);
	}

	/**
	 * `columnBefore` names the column a pointer at `clientX` drops in front of (null: the end).
	 */
	startDrag(
		event: PointerEvent,
		header: HTMLElement,
		key: string,
		columnBefore: (clientX: number) => string | null,
		onReorder: (key: string, beforeKey: string | null) => void
	): void {
		const startX = event.clientX;
		this.dragging = { key, before: null, hasMoved: false };
		followPointer(
			header,
			event,
			(move) => {
				if (!this.dragging) return;
				if (!this.dragging.hasMoved && Math.abs(move.clientX - startX) < DRAG_THRESHOLD) return;
				this.dragging = { key, before: columnBefore(move.clientX), hasMoved: true };
			},
			() => {
				const drop = this.dragging;
				this.dragging = null;
				if (drop?.hasMoved && drop.before !== drop.key) onReorder(drop.key, drop.before);
			}
		);
	}
}
