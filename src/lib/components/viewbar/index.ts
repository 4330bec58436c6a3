// The view bar and what a page needs beside it; see ViewBar.svelte for the props.
export { default as ViewBar } from './ViewBar.svelte';
export { viewFromUrl, viewsApi, ViewApiError, VIEW_PARAMETER } from './saved-views';
export type { ViewMember, ViewTool, ViewType } from './types';
