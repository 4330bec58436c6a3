// Reordering a vertical list by dragging a handle (mouse, pen or touch). The list reorders
// live as the pointer passes the middle of a neighbour, so there is no ghost to draw; the
// caller saves once, when the pointer is released. Items carry `data-sort-item`.
export function startSortDrag(
	event: PointerEvent,
	options: {
		list: HTMLElement;
		index: number;
		onMove(from: number, to: number): void;
		onEnd(hasMoved: boolean): void;
	}
): void {
	if (event.button !== 0) return;
	const handle = event.currentTarget as HTMLElement;
	event.preventDefault();
	handle.setPointerCapture(event.pointerId);
	let index = options.index;
	let hasMoved = false;

	const onPointerMove = (move: PointerEvent) => {
		const items = [...options.list.querySelectorAll<HTMLElement>(':scope > [data-sort-item]')];
		for (const [target, item] of items.entries()) {
			if (target === index) continue;
			const box = item.getBoundingClientRect();
			if (move.clientY < box.top || move.clientY > box.bottom) continue;
			const middle = box.top + box.height / 2;
			if ((target > index && move.clientY > middle) || (target < index && move.clientY < middle)) {
				options.onMove(index, target);
				index = target;
				hasMoved = true;
			}
			break;
		}
	};
	const onPointerUp = () => {
		handle.removeEventListener('pointermove', onPointerMove);
		handle.removeEventListener('pointerup', onPointerUp);
		handle.removeEventListener('pointercancel', onPointerUp);
		options.onEnd(hasMoved);
	};
	handle.addEventListener('pointermove', onPointerMove);
	handle.addEventListener('pointerup', onPointerUp);
	handle.addEventListener('pointercancel', onPointerUp);
}

/** A copy of `list` with the item at `from` moved to `to`. */
export function moved<T>(list: readonly T[], from: number, to: number): T[] {
	const next = [...list];
	const [item] = next.splice(from, 1);
	next.splice(to, 0, item!);
	return next;
}
