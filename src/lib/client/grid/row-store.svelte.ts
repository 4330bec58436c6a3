// The sheet's rows for a virtualized grid: fetched from the REST API in fixed pages by offset as
// the viewport needs them, cached, and patched in place by edits and live changes. Only `version`
// and `total` are reactive: the rows themselves sit in plain maps, and a row is replaced (never
// mutated) when it changes, so the grid re-renders just the rows whose object changed.
/* eslint-disable svelte/prefer-svelte-reactivity -- pages sit in plain maps on purpose: views
   follow `version`, bumped once per change, instead of tracking every row. */
import type { CellValue } from '$lib/domain/attributes/kind';
import { PAGE_SIZE, type FirstPage, type RecordRow } from '$lib/domain/record-page';
import type { ViewConfig } from '$lib/domain/views';
import { pageUrl, totalFromContentRange } from './rest-query';

export type GridRow = RecordRow;
export { PAGE_SIZE, type FirstPage };
/** Pages kept in memory; the farthest from the viewport go first. */
const MAX_PAGES = 60;

interface Page {
	rows: GridRow[];
	/** A live create or delete may have shifted it: shown until its refetch lands. */
	isStale: boolean;
}

export interface ApiProblem {
	message: string;
	field?: string;
}

/** The message of an API error body ({ code, message, field } or PostgREST's shape). */
export async function problemOf(response: Response): Promise<ApiProblem> {
	try {
		const body = (await response.json()) as { message?: string; field?: string; hint?: string };
		const message = body.message ?? `The server answered ${response.status}`;
		return { message: body.hint ? `${message}. ${body.hint}` : message, field: body.field };
	} catch {
		return { message: `The server answered ${response.status} ${response.statusText}` };
	}
}

export class RowStore {
	/** Rows the server counts for the view, plus rows created here since the last reload. */
	total = $state(0);
	/** Bumped whenever a row shown may have changed. */
	version = $state(0);
	/** Bumped by every change to the records (an edit, live or own; rows added or removed), not
	 *  by pages loading: what figures over the whole view (the summaries) follow. */
	edits = $state(0);
	status = $state<'loading' | 'ready' | 'error'>('loading');
	error = $state<string | null>(null);
	/** Pages being fetched; the grid shows a thin progress line while any are. */
	loadingPages = $state(0);

	private config: ViewConfig;
	private serverTotal = 0;
	private pages = new Map<number, Page>();
	private inflight = new Map<number, AbortController>();
	/** Rows created in this grid since the last reload, shown after the server's rows. */
	private appended: GridRow[] = [];
	private generation = 0;
	private wanted = { first: 0, last: 0 };
	private wantedRanges = [this.wanted];
	/** The active row's page: never dropped to make room. */
	private pinnedPage = -1;
	private refreshTimer: ReturnType<typeof setTimeout> | null = null;
	/** Told the keys of each patch that changed a loaded row (a grouped grid recounts on them). */
	onPatch: ((keys: string[]) => void) | null = null;

	constructor(
		private readonly collectionUrl: string,
		config: ViewConfig,
		first?: FirstPage | null
	) {
		this.config = config;
		if (first) {
			this.serverTotal = first.total;
			this.total = first.total;
			this.pages.set(0, { rows: first.rows, isStale: false });
			this.status = 'ready';
		}
	}

	rowAt(index: number): GridRow | undefined {
		if (index >= this.serverTotal) return this.appended[index - this.serverTotal];
		return this.pages.get(Math.floor(index / PAGE_SIZE))?.rows[index % PAGE_SIZE];
	}

	/** The index of a loaded row, or -1. */
	indexOf(id: string): number {
		for (const [pageIndex, page] of this.pages) {
			const at = page.rows.findIndex((row) => row.id === id);
			if (at >= 0) return pageIndex * PAGE_SIZE + at;
		}
		const appendedAt = this.appended.findIndex((row) => row.id === id);
		return appendedAt < 0 ? -1 : this.serverTotal + appendedAt;
	}

	findRow(id: string): GridRow | undefined {
		const index = this.indexOf(id);
		return index < 0 ? undefined : this.rowAt(index);
	}

	/** Makes sure the rows first..last (inclusive) are loaded or loading. */
	ensure(first: number, last: number): void {
		this.ensureRanges([{ first, last }]);
	}

	/**
	 * `ensure` for several ranges at once (a grouped grid shows groups out of the query's
	 * order); the first range is the one eviction keeps pages near.
	 */
	ensureRanges(ranges: { first: number; last: number }[]): void {
		if (ranges.length === 0) return;
		this.wanted = ranges[0]!;
		this.wantedRanges = ranges;
		const pageRanges = ranges.map(({ first, last }) => ({
			firstPage: Math.max(0, Math.floor(first / PAGE_SIZE)),
			lastPage: Math.floor(Math.min(last, Math.max(0, this.serverTotal - 1)) / PAGE_SIZE)
		}));
		// Fetches for pages the viewport has long left are dropped, so a fast scroll does not
		// queue dozens of pages nobody will see.
		for (const [pageIndex, controller] of this.inflight) {
			const isNear = pageRanges.some(
				({ firstPage, lastPage }) => pageIndex >= firstPage - 2 && pageIndex <= lastPage + 2
			);
			if (!isNear) {
				controller.abort();
				this.inflight.delete(pageIndex);
				this.loadingPages = this.inflight.size;
			}
		}
		if (this.status === 'loading' && this.pages.size === 0 && this.inflight.size === 0) {
			void this.loadPage(0, true);
			return;
		}
		for (const { firstPage, lastPage } of pageRanges) {
			for (let pageIndex = firstPage; pageIndex <= lastPage; pageIndex++) {
				const page = this.pages.get(pageIndex);
				if ((!page || page.isStale) && !this.inflight.has(pageIndex)) void this.loadPage(pageIndex);
			}
		}
	}

	/** Loads the page of one row (the active one, kept on screen) without moving the window. */
	ensureRow(index: number): void {
		if (index < 0 || index >= this.serverTotal) return;
		const pageIndex = Math.floor(index / PAGE_SIZE);
		this.pinnedPage = pageIndex;
		const page = this.pages.get(pageIndex);
		if ((!page || page.isStale) && !this.inflight.has(pageIndex)) void this.loadPage(pageIndex);
	}

	/** A new filter, sort or search: everything is fetched again, counted from the top. */
	setConfig(config: ViewConfig): void {
		this.config = config;
		this.reset();
	}

	/** Fetches the count and the rows in view again (after reconnecting, or on request). */
	reload(): void {
		this.reset();
	}

	private reset(): void {
		this.generation++;
		for (const controller of this.inflight.values()) controller.abort();
		this.inflight.clear();
		this.loadingPages = 0;
		this.pages.clear();
		this.appended = [];
		this.status = 'loading';
		this.error = null;
		void this.loadPage(Math.floor(this.wanted.first / PAGE_SIZE), true);
	}

	/**
	 * Rows were created or deleted elsewhere: count again and refetch what is shown, keeping the
	 * old rows on screen until the new ones arrive. Bursts (a pasted block) refresh once.
	 */
	refreshSoon(delayMs = 300): void {
		if (this.refreshTimer) return;
		this.refreshTimer = setTimeout(() => {
			this.refreshTimer = null;
			for (const page of this.pages.values()) page.isStale = true;
			this.appended = [];
			const firstPage = Math.floor(this.wanted.first / PAGE_SIZE);
			void this.loadPage(firstPage, true).then(() => this.ensureRanges(this.wantedRanges));
		}, delayMs);
	}

	private async loadPage(pageIndex: number, withCount = false): Promise<void> {
		const generation = this.generation;
		this.inflight.get(pageIndex)?.abort();
		const controller = new AbortController();
		this.inflight.set(pageIndex, controller);
		this.loadingPages = this.inflight.size;
		try {
			const response = await fetch(
				pageUrl(this.collectionUrl, this.config, {
					offset: pageIndex * PAGE_SIZE,
					limit: PAGE_SIZE
				}),
				{
					headers: withCount ? { prefer: 'count=exact' } : {},
					signal: controller.signal
				}
			);
			if (generation !== this.generation) return;
			if (!response.ok) {
				const problem = await problemOf(response);
				if (generation !== this.generation) return;
				this.status = 'error';
				this.error = problem.message;
				return;
			}
			const rows = (await response.json()) as GridRow[];
			if (generation !== this.generation) return;
			if (withCount) {
				const total = totalFromContentRange(response.headers.get('content-range'));
				if (total !== null) this.serverTotal = total;
			}
			this.pages.set(pageIndex, { rows, isStale: false });
			this.evict(Math.floor(this.wanted.first / PAGE_SIZE));
			this.total = this.serverTotal + this.appended.length;
			this.status = 'ready';
			this.error = null;
			this.version++;
		} catch (caught) {
			if ((caught as Error).name === 'AbortError' || generation !== this.generation) return;
			this.status = 'error';
			this.error =
				'The rows could not be loaded: the server is not reachable. Check your connection and retry.';
		} finally {
			if (this.inflight.get(pageIndex) === controller) {
				this.inflight.delete(pageIndex);
				this.loadingPages = this.inflight.size;
			}
		}
	}

	private evict(near: number): void {
		if (this.pages.size <= MAX_PAGES) return;
		const byDistance = [...this.pages.keys()]
			.filter((pageIndex) => pageIndex !== this.pinnedPage)
			.sort((a, b) => Math.abs(b - near) - Math.abs(a - near));
		for (const pageIndex of byDistance.slice(0, this.pages.size - MAX_PAGES)) {
			this.pages.delete(pageIndex);
		}
	}

	/** Changes values of a loaded row in place; returns the values it had before. */
	patch(id: string, values: Record<string, CellValue>): Record<string, CellValue> | null {
		const before: Record<string, CellValue> = {};
		let found = false;
		this.edits++;
		const replace = (rows: GridRow[]) => {
			const at = rows.findIndex((row) => row.id === id);
			if (at < 0) return;
			found = true;
			const row = rows[at]!;
			for (const key of Object.keys(values)) before[key] = row[key] ?? null;
			rows[at] = { ...row, ...values } as GridRow;
		};
		for (const page of this.pages.values()) replace(page.rows);
		replace(this.appended);
		if (found) {
			this.version++;
			this.onPatch?.(Object.keys(values));
		}
		return found ? before : null;
	}

	/** Rows this user just created: shown at the end until the next reload places them. */
	append(rows: GridRow[]): void {
		this.appended.push(...rows);
		this.total = this.serverTotal + this.appended.length;
		this.version++;
		this.edits++;
	}

	/** Takes deleted rows out of view at once; the refresh that follows fixes the offsets. */
	remove(ids: string[]): void {
		const gone = new Set(ids);
		this.edits++;
		this.appended = this.appended.filter((row) => !gone.has(row.id));
		let removed = 0;
		for (const page of this.pages.values()) {
			const before = page.rows.length;
			page.rows = page.rows.filter((row) => !gone.has(row.id));
			if (page.rows.length !== before) {
				removed += before - page.rows.length;
				page.isStale = true;
			}
		}
		if (removed) this.version++;
		this.refreshSoon(0);
	}

	destroy(): void {
		this.generation++;
		for (const controller of this.inflight.values()) controller.abort();
		this.inflight.clear();
		if (this.refreshTimer) clearTimeout(this.refreshTimer);
	}
}
