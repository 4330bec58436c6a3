// Giving the grid's active cell the keyboard.
import { tick } from 'svelte';

/**
 * Focuses the active cell inside `scroller` once Svelte has rendered. A cell scrolled to from
 * far away (a record just added at the end) is only rendered once the virtual window follows the
 * scroll, a frame or two later, so this waits a few frames for it rather than leaving focus where
 * it was (the toolbar).
 */
export function focusActiveCell(scroller: HTMLElement | undefined, frames = 10): void {
	let framesLeft = frames;
	const attempt = () => {
		const active = scroller?.querySelector<HTMLElement>('[data-active="true"]');
		if (active) active.focus({ preventScroll: true });
		else if (framesLeft-- > 0) requestAnimationFrame(attempt);
	};
	void tick().then(attempt);
}
