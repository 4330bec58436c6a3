// What the app frame shares with the pages inside it: the header's right-hand slot (presence
// avatars, page actions) and whether the space sidebar is open. Set by the (app) layout.
import { getContext, setContext, type Snippet } from 'svelte';
import { SIDEBAR_COOKIE } from '$lib/cookies';

const key = Symbol('roster.shell');

export class ShellState {
	/** Content a page placed in the top bar through <HeaderSlot>. */
	headerContent = $state<Snippet | null>(null);
	/** Phone: the slide-over is open. */
	isSidebarOpen = $state(false);
	/** Wider screens: the user folded the sidebar away (kept in a cookie, so SSR agrees). */
	isSidebarCollapsed = $state(false);

	constructor(isSidebarCollapsed: boolean) {
		this.isSidebarCollapsed = isSidebarCollapsed;
	}

	toggleSidebarCollapsed(): void {
		this.isSidebarCollapsed = !this.isSidebarCollapsed;
		const secure = location.protocol === 'https:' ? '; secure' : '';
		document.cookie = `${SIDEBAR_COOKIE}=${this.isSidebarCollapsed ? 'collapsed' : 'open'}; path=/; max-age=31536000; samesite=lax${secure}`;
	}
}

export function provideShell(isSidebarCollapsed: boolean): ShellState {
	return setContext(key, new ShellState(isSidebarCollapsed));
}

/** The frame around the current page; undefined outside the (app) layout. */
export function useShell(): ShellState | undefined {
	return getContext<ShellState | undefined>(key);
}
