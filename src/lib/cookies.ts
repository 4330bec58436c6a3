// The names of the cookies the app sets for itself (Auth.js names its own). The server reads
// them in loads; the sidebar's is written by the browser too, so the names live where both can
// import them.

/** Remembers the space last opened, so `/` can return to it (set by the space layout). */
export const LAST_SPACE_COOKIE = 'roster_last_space';

/** Whether the sidebar is collapsed, so the first paint already has the right layout. */
export const SIDEBAR_COOKIE = 'roster_sidebar';
