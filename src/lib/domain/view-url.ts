// Which saved view a URL names (`?view=<id>`, so a link shares it). Isomorphic: the grid's load
// reads it on the server so the first rows already follow the view, and the view bar in the
// browser keeps the URL in step.
import { pruneViewConfig, type ViewSheet } from './view-config';
import type { SavedView, ViewConfig } from './views';

export const VIEW_PARAMETER = 'view';

/** The view id the URL names, if any. */
export const viewIdIn = (url: URL) => url.searchParams.get(VIEW_PARAMETER);

/** The URL showing another view (null: the unsaved "All records" view), other parameters kept. */
export function urlWithView(url: URL, viewId: string | null): URL {
	const next = new URL(url);
	if (viewId) next.searchParams.set(VIEW_PARAMETER, viewId);
	else next.searchParams.delete(VIEW_PARAMETER);
	return next;
}

/**
 * The view the URL names and the config to start from: a page calls this in its load or
 * script so the first query already shows the linked view. `missing` is set when the URL
 * names a view that does not exist (deleted, or from another sheet).
 */
export function viewFromUrl(
	url: URL,
	views: SavedView[],
	sheet: ViewSheet
): { view: SavedView | null; config: ViewConfig; missing: boolean } {
	const id = viewIdIn(url);
	const view = (id && views.find((each) => each.id === id)) || null;
	return {
		view,
		config: view ? pruneViewConfig(view.config, sheet) : {},
		missing: Boolean(id && !view)
	};
}
