// Dragging cards with a pointer: mouse and pen start after a few pixels of movement; a finger
// has to rest on the card for a moment first (a long press), so that swiping still scrolls the
// board. While a drag runs, the board scrolls itself near its edges and the page does not pan.
//
// The DOM contract: columns carry `data-board-column="<index>"` and hold one element with
// `data-column-scroll` (their scrolling list); cards carry `data-card-id`.
import type { CardPlace } from './board-state';

export interface DragSession {
	id: string;
	pointerType: string;
	/** The pointer, in viewport pixels. */
	x: number;
	y: number;
	/** Where in the card the pointer holds it, so the card does not jump under the finger. */
	offsetX: number;
	offsetY: number;
	width: number;
	height: number;
	/** Where the card would land now; null while over nothing that takes it. */
	target: CardPlace | null;
}

interface Pending {
	id: string;
	pointerId: number;
	pointerType: string;
	startX: number;
	startY: number;
	card: HTMLElement;
	timer: ReturnType<typeof setTimeout> | null;
	isArmed: boolean;
}

export interface PointerDragOptions {
	onStart(session: DragSession): void;
	onMove(session: DragSession): void;
	onDrop(session: DragSession): void;
	onCancel(): void;
}

const MOUSE_THRESHOLD = 5;
/** A finger that moves this far before the long press ends is scrolling, not dragging. */
const TOUCH_SLOP = 8;
const LONG_PRESS_MS = 250;
const EDGE = 48;
const MAX_SCROLL_STEP = 18;

export class PointerDrag {
	private pending: Pending | null = null;
	private session: DragSession | null = null;
	private frame: number | null = null;
	private board: HTMLElement | null = null;
	/** Set right after a drop, so the click the browser sends next does not open the card. */
	didDrag = false;

	constructor(private readonly options: PointerDragOptions) {}

	/** Starts listening on the board; returns the cleanup. */
	attach(board: HTMLElement): () => void {
		this.board = board;
		// Must not be passive: once a drag runs, the finger's moves must not pan the page.
		const onTouchMove = (event: TouchEvent) => {
			if (this.session || this.pending?.isArmed) event.preventDefault();
		};
		const onContextMenu = (event: Event) => {
			if (this.pending || this.session) event.preventDefault();
		};
		board.addEventListener('touchmove', onTouchMove, { passive: false });
		board.addEventListener('contextmenu', onContextMenu);
		return () => {
			board.removeEventListener('touchmove', onTouchMove);
			board.removeEventListener('contextmenu', onContextMenu);
			this.cancel();
			this.board = null;
		};
	}

	get isDragging(): boolean {
		return this.session !== null;
	}

	down(event: PointerEvent, id: string, card: HTMLElement): void {
		if (this.pending || this.session) return;
		if (event.pointerType === 'mouse' && event.button !== 0) return;
		this.didDrag = false;
		const pending: Pending = {
			id,
			pointerId: event.pointerId,
			pointerType: event.pointerType,
			startX: event.clientX,
			startY: event.clientY,
			card,
			timer: null,
			isArmed: event.pointerType !== 'touch'
		};
		if (event.pointerType === 'touch') {
			pending.timer = setTimeout(() => {
				pending.timer = null;
				pending.isArmed = true;
				navigator.vibrate?.(10);
				this.begin(pending, pending.startX, pending.startY);
			}, LONG_PRESS_MS);
		}
		this.pending = pending;
		window.addEventListener('pointermove', this.onPointerMove);
		window.addEventListener('pointerup', this.onPointerUp);
		window.addEventListener('pointercancel', this.onPointerCancel);
		window.addEventListener('keydown', this.onKeyDown);
	}

	cancel(): void {
		const hadSession = this.session !== null;
		this.stop();
		if (hadSession) this.options.onCancel();
	}

	private begin(pending: Pending, x: number, y: number): void {
		const box = pending.card.getBoundingClientRect();
		this.session = {
			id: pending.id,
			pointerType: pending.pointerType,
			x,
			y,
			offsetX: pending.startX - box.left,
			offsetY: pending.startY - box.top,
			width: box.width,
			height: box.height,
			target: null
		};
		this.session.target = this.targetAt(x, y);
		this.options.onStart({ ...this.session });
		this.frame = requestAnimationFrame(this.autoScroll);
	}

	private readonly onPointerMove = (event: PointerEvent) => {
		const pending = this.pending;
		if (!pending || event.pointerId !== pending.pointerId) return;
		if (!this.session) {
			const distance = Math.hypot(event.clientX - pending.startX, event.clientY - pending.startY);
			if (pending.pointerType === 'touch') {
				// Still waiting for the long press: a moving finger is scrolling.
				if (distance > TOUCH_SLOP) this.stop();
				return;
			}
			if (distance < MOUSE_THRESHOLD) return;
			this.begin(pending, event.clientX, event.clientY);
		}
		event.preventDefault();
		this.session!.x = event.clientX;
		this.session!.y = event.clientY;
		this.session!.target = this.targetAt(event.clientX, event.clientY) ?? this.session!.target;
		this.options.onMove({ ...this.session! });
	};

	private readonly onPointerUp = (event: PointerEvent) => {
		if (event.pointerId !== this.pending?.pointerId) return;
		const session = this.session;
		this.stop();
		if (!session) return;
		this.didDrag = true;
		setTimeout(() => (this.didDrag = false), 300);
		this.options.onDrop(session);
	};

	private readonly onPointerCancel = (event: PointerEvent) => {
		if (event.pointerId === this.pending?.pointerId) this.cancel();
	};

	private readonly onKeyDown = (event: KeyboardEvent) => {
		if (event.key === 'Escape' && this.session) {
			event.preventDefault();
			this.cancel();
		}
	};

	private stop(): void {
		if (this.pending?.timer) clearTimeout(this.pending.timer);
		if (this.frame !== null) cancelAnimationFrame(this.frame);
		this.frame = null;
		this.pending = null;
		this.session = null;
		window.removeEventListener('pointermove', this.onPointerMove);
		window.removeEventListener('pointerup', this.onPointerUp);
		window.removeEventListener('pointercancel', this.onPointerCancel);
		window.removeEventListener('keydown', this.onKeyDown);
	}

	/** The column under the point and the place among its other cards, by their middles. */
	private targetAt(x: number, y: number): CardPlace | null {
		const column = document.elementFromPoint(x, y)?.closest<HTMLElement>('[data-board-column]');
		if (!column || !this.session) return null;
		const cards = [...column.querySelectorAll<HTMLElement>('[data-card-id]')].filter(
			(card) => card.dataset.cardId !== this.session!.id
		);
		let index = cards.length;
		for (const [place, card] of cards.entries()) {
			const box = card.getBoundingClientRect();
			if (y < box.top + box.height / 2) {
				index = place;
				break;
			}
		}
		return { column: Number(column.dataset.boardColumn), index };
	}

	/** Near an edge, scroll that way, faster the closer the pointer gets. */
	private readonly autoScroll = () => {
		const session = this.session;
		if (!session) return;
		const step = (distanceIn: number) =>
			distanceIn < EDGE
				? Math.min(MAX_SCROLL_STEP, Math.ceil(((EDGE - distanceIn) / EDGE) * MAX_SCROLL_STEP))
				: 0;
		let hasScrolled = false;
		if (this.board) {
			const box = this.board.getBoundingClientRect();
			const left = step(session.x - box.left);
			const right = step(box.right - session.x);
			if (left || right) {
				const before = this.board.scrollLeft;
				this.board.scrollLeft += right - left;
				hasScrolled ||= this.board.scrollLeft !== before;
			}
		}
		const list = document
			.elementFromPoint(session.x, session.y)
			?.closest<HTMLElement>('[data-board-column]')
			?.querySelector<HTMLElement>('[data-column-scroll]');
		if (list) {
			const box = list.getBoundingClientRect();
			const up = step(session.y - box.top);
			const down = step(box.bottom - session.y);
			if (up || down) {
				const before = list.scrollTop;
				list.scrollTop += down - up;
				hasScrolled ||= list.scrollTop !== before;
			}
		}
		if (hasScrolled) {
			session.target = this.targetAt(session.x, session.y) ?? session.target;
			this.options.onMove({ ...session });
		}
		this.frame = requestAnimationFrame(this.autoScroll);
	};
}
