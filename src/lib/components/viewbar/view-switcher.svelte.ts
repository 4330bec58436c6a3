// Which saved view the view bar shows: the sheet's views (the page's, or fetched here), the one
// the URL names (`?view=<id>`, so a link opens it), switching between them, and what follows a
// save, rename or delete. The bar stays controlled: a view's config goes out through onchange.
import { untrack } from 'svelte';
import { goto } from '$app/navigation';
import { page } from '$app/state';
import { pruneViewConfig } from '$lib/domain/view-config';
import type { SavedView, ViewConfig } from '$lib/domain/views';
import {
	isChanged as differs,
	savedForm,
	savedViewActions,
	urlWithView,
	viewIdIn,
	viewsApi
} from './saved-views';
import type { ViewType } from './types';

/**
 * The bar's props the views follow, as getters: each derived and effect reads only the props it
 * uses (the views are not fetched again when the config changes).
 */
export interface ViewSwitcherSource {
	readonly space: string;
	readonly type: ViewType;
	readonly kind: 'grid' | 'board';
	readonly config: ViewConfig;
	/** The sheet's views if the page loaded them; fetched here otherwise. */
	readonly views: SavedView[] | undefined;
	readonly onchange: (config: ViewConfig) => void;
	readonly onviewschange: ((views: SavedView[]) => void) | undefined;
}

export class ViewSwitcher {
	/** Views fetched here, for the sheet they belong to (the page may switch sheets). */
	private fetched = $state<{ sheet: string; views: SavedView[] } | null>(null);
	loadError = $state<string | null>(null);
	/** Why the last save failed, for the notice under the bar. */
	problem = $state<string | null>(null);
	private readonly fetchedViews = $derived.by(() =>
		this.fetched?.sheet === this.source.type.key ? this.fetched.views : null
	);
	/** Every view of the sheet; replaced locally after a save, rename or delete. */
	private allViews = $derived.by(() => this.source.views ?? this.fetchedViews ?? []);
	private readonly isLoaded = $derived.by(
		() => this.source.views !== undefined || this.fetchedViews !== null
	);
	/** The views of the bar's kind (grid or board), for the menu. */
	readonly sheetViews = $derived.by(() =>
		this.allViews.filter((view) => view.kind === this.source.kind)
	);
	private readonly currentId = $derived(viewIdIn(page.url));
	readonly current = $derived.by(
		() => this.sheetViews.find((view) => view.id === this.currentId) ?? null
	);
	/** The URL names a view the sheet does not have (deleted, or a link from elsewhere). */
	readonly isMissing = $derived.by(
		() => this.currentId !== null && this.isLoaded && this.current === null
	);
	readonly isChanged = $derived.by(() =>
		differs(this.source.config, this.current ? this.current.config : null)
	);
	/** The view last applied to the bar; undefined: the URL's view is still to apply. */
	private appliedId: string | null | undefined;

	/** SavedViewsMenu's save as, rename and delete: the API call, then the bar follows. */
	readonly actions = savedViewActions({
		space: () => this.source.space,
		type: () => this.source.type.key,
		kind: () => this.source.kind,
		current: () => this.current,
		config: () => savedForm(this.source.config),
		onSaved: async (view, change) => {
			if (change === 'created') {
				this.setViews([...this.allViews, view]);
				await this.navigateTo(view.id);
			} else this.setViews(this.allViews.map((each) => (each.id === view.id ? view : each)));
		},
		onRemoved: async (id) => {
			this.setViews(this.allViews.filter((view) => view.id !== id));
			await this.select(null);
		}
	});

	/** Created while the bar is: its effects end with the bar. */
	constructor(private readonly source: ViewSwitcherSource) {
		// The page starts from the view its URL names when it passed `views` (see viewFromUrl);
		// otherwise the bar applies it once the views have loaded. Later URL changes (back and
		// forward, or a shared link opened in place) switch the view too.
		this.appliedId = untrack(() =>
			source.views === undefined && this.currentId !== null ? undefined : this.currentId
		);
		$effect(() => {
			if (source.views === undefined && this.fetched?.sheet !== source.type.key)
				untrack(() => this.load());
		});
		$effect(() => {
			const id = this.currentId;
			if (!this.isLoaded || id === this.appliedId) return;
			this.appliedId = id;
			untrack(() => source.onchange(this.configOf(this.viewById(id))));
		});
	}

	async load(): Promise<void> {
		const sheet = this.source.type.key;
		this.loadError = null;
		try {
			this.fetched = { sheet, views: await viewsApi.list(this.source.space, sheet) };
		} catch (error) {
			this.loadError = error instanceof Error ? error.message : 'Could not load the saved views';
		}
	}

	/** A view's config as the bar shows it; the search typed so far is kept. */
	configOf(view: SavedView | null): ViewConfig {
		const { config, type } = this.source;
		const saved = view ? pruneViewConfig(view.config, type) : {};
		return config.search ? { ...saved, search: config.search } : saved;
	}

	/** Shows a saved view (null: all records) and names it in the URL. */
	async select(id: string | null): Promise<void> {
		this.problem = null;
		this.appliedId = id;
		this.source.onchange(this.configOf(this.viewById(id)));
		await this.navigateTo(id);
	}

	navigateTo(id: string | null) {
		this.appliedId = id;
		// eslint-disable-next-line svelte/no-navigation-without-resolve -- same page, one parameter changed
		return goto(urlWithView(page.url, id), { keepFocus: true, noScroll: true });
	}

	/** Saves the bar's config into the current view; a failure shows under the bar. */
	async update(): Promise<void> {
		if (!this.current) return;
		const name = this.current.name;
		this.problem = null;
		try {
			await this.actions.update();
		} catch (error) {
			this.problem = `Could not save “${name}”: ${error instanceof Error ? error.message : error}`;
		}
	}

	private viewById(id: string | null): SavedView | null {
		return this.sheetViews.find((view) => view.id === id) ?? null;
	}

	private setViews(next: SavedView[]): void {
		this.allViews = next;
		this.source.onviewschange?.(next);
	}
}
