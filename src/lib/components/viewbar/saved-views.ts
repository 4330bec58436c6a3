// Saved views from the browser: the API calls, which view the URL names (`?view=<id>`, so a
// link shares it), and whether the bar's config still matches the saved one.
import { completeFilter } from '$lib/domain/view-query';
import type { SavedView, ViewConfig } from '$lib/domain/views';

/** Which view the URL names lives in the domain: the grid's server load reads it too. */
export { VIEW_PARAMETER, urlWithView, viewFromUrl, viewIdIn } from '$lib/domain/view-url';

/** An error from the API: `{ code, message, field }`, or a network failure. */
export class ViewApiError extends Error {
	constructor(
		message: string,
		readonly code: string,
		readonly field?: string
	) {
		super(message);
	}
}

const base = (space: string, type: string) =>
	`/api/spaces/${encodeURIComponent(space)}/types/${encodeURIComponent(type)}/views`;

async function call<T>(url: string, init: RequestInit = {}): Promise<T> {
	let response: Response;
	try {
		response = await fetch(url, {
			...init,
			headers: init.body ? { 'content-type': 'application/json' } : undefined
		});
	} catch {
		throw new ViewApiError(
			'Could not reach the server; check your connection and try again',
			'NETWORK'
		);
	}
	if (response.status === 204) return undefined as T;
	const body = await response.json().catch(() => null);
	if (!response.ok) {
		throw new ViewApiError(
			body?.message ?? `The server answered ${response.status}`,
			body?.code ?? 'INTERNAL',
			body?.field
		);
	}
	return body as T;
}

export const viewsApi = {
	list: (space: string, type: string) =>
		call<{ views: SavedView[] }>(base(space, type)).then((body) => body.views),
	create: (
		space: string,
		type: string,
		input: { name: string; kind: 'grid' | 'board'; config: ViewConfig }
	) => call<SavedView>(base(space, type), { method: 'POST', body: JSON.stringify(input) }),
	update: (
		space: string,
		type: string,
		id: string,
		input: { name?: string; config?: ViewConfig; position?: number }
	) =>
		call<SavedView>(`${base(space, type)}/${encodeURIComponent(id)}`, {
			method: 'PATCH',
			body: JSON.stringify(input)
		}),
	remove: (space: string, type: string, id: string) =>
		call<void>(`${base(space, type)}/${encodeURIComponent(id)}`, { method: 'DELETE' })
};

/** What a page does around the saved-view calls: which view it shows and how it follows a change. */
export interface SavedViewHost {
	space(): string;
	type(): string;
	kind(): 'grid' | 'board';
	/** The view shown now; rename, update and remove act on it. */
	current(): SavedView | null;
	/** The config to save, in the form the page keeps it. */
	config(): ViewConfig;
	/** After the server made, renamed or saved a view. */
	onSaved(view: SavedView, change: 'created' | 'renamed' | 'updated'): Promise<void> | void;
	/** After the server deleted the view the page showed. */
	onRemoved(id: string): Promise<void> | void;
}

/**
 * The saved-view menu's actions for a page (SavedViewsMenu's onsaveas, onrename, onupdate,
 * ondelete): the API call, then the page's own follow-up. Failures reject with ViewApiError.
 */
export function savedViewActions(host: SavedViewHost) {
	return {
		async saveAs(name: string): Promise<void> {
			const input = { name, kind: host.kind(), config: host.config() };
			await host.onSaved(await viewsApi.create(host.space(), host.type(), input), 'created');
		},
		async rename(name: string): Promise<void> {
			const current = host.current();
			if (!current) return;
			const updated = await viewsApi.update(host.space(), host.type(), current.id, { name });
			await host.onSaved(updated, 'renamed');
		},
		async update(): Promise<void> {
			const current = host.current();
			if (!current) return;
			const config = host.config();
			const updated = await viewsApi.update(host.space(), host.type(), current.id, { config });
			await host.onSaved(updated, 'updated');
		},
		async remove(): Promise<void> {
			const current = host.current();
			if (!current) return;
			await viewsApi.remove(host.space(), host.type(), current.id);
			await host.onRemoved(current.id);
		}
	};
}

/**
 * The config as saved: incomplete filter conditions dropped, empty parts left out, and no
 * search: a search is what someone looks for now, not part of how a sheet is shaped.
 */
export function savedForm(config: ViewConfig): ViewConfig {
	const saved: ViewConfig = {};
	const filter = completeFilter(config.filter);
	if (filter) saved.filter = filter;
	if (config.sort?.length) saved.sort = config.sort;
	if (config.groupBy?.length) saved.groupBy = config.groupBy;
	if (config.hidden?.length) saved.hidden = config.hidden;
	if (config.order?.length) saved.order = config.order;
	if (config.widths && Object.keys(config.widths).length > 0) saved.widths = config.widths;
	if (config.boardField) saved.boardField = config.boardField;
	if (config.cardFields?.length) saved.cardFields = config.cardFields;
	return saved;
}

/** JSON with object keys sorted, so equal configs compare equal whatever their key order. */
function canonical(value: unknown): string {
	return JSON.stringify(value, (_key, each) =>
		each && typeof each === 'object' && !Array.isArray(each)
			? Object.fromEntries(Object.entries(each).sort(([a], [b]) => a.localeCompare(b)))
			: each
	);
}

/** Whether the bar shows something other than the view as saved. */
export const isChanged = (config: ViewConfig, saved: ViewConfig | null) =>
	canonical(savedForm(config)) !== canonical(savedForm(saved ?? {}));
