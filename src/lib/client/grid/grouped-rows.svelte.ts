// The grid's rows as a grouped sheet shows them: the row store's records (paged by offset in the
// query's order) laid out under group header rows, with collapsed groups left out. The selection,
// keys, paste and the editor address records by their place among the rows shown (the ordinal),
// through this class, exactly as they address the store when nothing is grouped.
//
// Counts come from the server over the whole filtered view (`/types/<type>/groups`), again when
// rows are created or deleted and when an edit changes a group field (debounced); when they
// change, the store fetches its rows again so every record sits in its new group. Which groups
// are collapsed is kept per browser (localStorage), per sheet and grouping.
import { SvelteSet } from 'svelte/reactivity';
import { viewQueryParams, viewSort } from '$lib/domain/view-query';
import type { ViewConfig } from '$lib/domain/views';
import type { GridField, MemberInfo } from './fields';
import { GroupLayout, type GroupCount, type GroupNode } from './group-layout';
import { groupLevel } from './group-order';
import { problemOf, type RowStore } from './row-store.svelte';

/** What the grid's parts (editing, clipboard, editor overlay) read rows through. */
export type RowSource = Pick<RowStore, 'rowAt' | 'findRow' | 'indexOf' | 'total' | 'version'>;

const RECOUNT_MS = 400;

export class GroupedRows implements RowSource {
	/** Leaf group counts of the grouping in `countedKey`, in the query's order. */
	private counts = $state.raw<GroupCount[] | null>(null);
	private countedKey = $state('');
	/** Why the counts could not be loaded (the rows then show ungrouped). */
	error = $state<string | null>(null);
	private readonly collapsed = new SvelteSet<string>();
	private config = $state.raw<ViewConfig>({});
	private generation = 0;
	private timer: ReturnType<typeof setTimeout> | null = null;

	constructor(
		private readonly store: RowStore,
		/** `/api/spaces/<space>/types/<type>/groups` */
		private readonly countsUrl: string,
		/** Where collapsed groups are remembered: the sheet's own key. */
		private readonly storageKey: string,
		private readonly context: () => { fields: GridField[]; members: MemberInfo[] },
		config: ViewConfig,
		/** Counts read with the page for this config, if any. */
		counts: GroupCount[] | null = null
	) {
		this.config = config;
		if (counts) {
			this.counts = counts;
			this.countedKey = this.key;
		}
		this.readCollapsed();
		store.onPatch = (keys) => {
			if (keys.some((key) => this.groupBy.includes(key))) this.recountSoon();
		};
	}

	/** The grouping levels of the view, outermost first; empty when not grouped. */
	get groupBy(): string[] {
		return this.config.groupBy ?? [];
	}

	private get key(): string {
		const params = this.params();
		return params ? params.toString() : '';
	}

	private params(): URLSearchParams | null {
		if (this.groupBy.length === 0) return null;
		const params = viewQueryParams(this.config);
		params.set('group', this.groupBy.join(','));
		return params;
	}

	/** The group fields that still exist, each ordered as the view sorts it. */
	readonly levels = $derived.by(() => {
		const { fields, members } = this.context();
		const sort = viewSort(this.config);
		return this.groupBy.flatMap((key) => {
			const field = fields.find((each) => each.key === key);
			const direction = sort.find((each) => each.field === key)?.direction;
			return field ? [groupLevel(field, members, direction)] : [];
		});
	});

	/** The fields of the levels shown, by key, for the header rows. */
	readonly levelFields = $derived.by(
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- rebuilt, never mutated
		() => new Map(this.context().fields.map((field) => [field.key, field] as const))
	);

	readonly layout = $derived.by(() => {
		const isCurrent = this.countedKey === this.key && this.levels.length === this.groupBy.length;
		return new GroupLayout(
			isCurrent ? this.levels : [],
			isCurrent ? this.counts : null,
			// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a snapshot per layout
			new Set(this.collapsed),
			this.store.total
		);
	});

	// --- the rows, by ordinal (what the selection addresses) --------------------------------------

	get total(): number {
		return this.layout.recordCount;
	}

	get version(): number {
		void this.layout;
		return this.store.version;
	}

	rowAt(ordinal: number) {
		const index = this.layout.indexOf(ordinal);
		return index < 0 ? undefined : this.store.rowAt(index);
	}

	findRow(id: string) {
		return this.store.findRow(id);
	}

	/** The ordinal of a loaded record, or -1 (not loaded, or in a collapsed group). */
	indexOf(id: string): number {
		const index = this.store.indexOf(id);
		return index < 0 ? -1 : this.layout.ordinalOf(index);
	}

	// --- the visual rows ---------------------------------------------------------------------

	get visualCount(): number {
		return this.layout.visualCount;
	}

	at(visual: number) {
		return this.layout.at(visual);
	}

	visualOf(ordinal: number): number {
		return this.layout.visualOf(ordinal);
	}

	/** Loads the records the visual rows first..last show. */
	ensure(first: number, last: number): void {
		const ranges = this.layout.storeRanges(Math.max(0, first), last);
		if (ranges.length) this.store.ensureRanges(ranges);
		else this.store.ensure(0, 0);
	}

	ensureRow(ordinal: number): void {
		this.store.ensureRow(this.layout.indexOf(ordinal));
	}

	// --- collapsing ---------------------------------------------------------------------------

	isCollapsed(node: GroupNode): boolean {
		return this.collapsed.has(node.id);
	}

	toggle(node: GroupNode): void {
		if (this.collapsed.has(node.id)) this.collapsed.delete(node.id);
		else this.collapsed.add(node.id);
		this.writeCollapsed();
	}

	collapseAll(): void {
		for (const id of this.layout.allIds()) this.collapsed.add(id);
		this.writeCollapsed();
	}

	expandAll(): void {
		this.collapsed.clear();
		this.writeCollapsed();
	}

	get groupCount(): number {
		return this.layout.groups.length;
	}

	private get storageName(): string {
		return `roster:collapsed-groups:${this.storageKey}:${this.groupBy.join(',')}`;
	}

	private readCollapsed(): void {
		this.collapsed.clear();
		if (typeof localStorage === 'undefined' || this.groupBy.length === 0) return;
		try {
			const saved = JSON.parse(localStorage.getItem(this.storageName) ?? '[]') as unknown;
			if (Array.isArray(saved))
				for (const id of saved) if (typeof id === 'string') this.collapsed.add(id);
		} catch {
			// A damaged entry only loses which groups were collapsed.
		}
	}

	private writeCollapsed(): void {
		if (typeof localStorage === 'undefined') return;
		try {
			if (this.collapsed.size === 0) localStorage.removeItem(this.storageName);
			else localStorage.setItem(this.storageName, JSON.stringify([...this.collapsed]));
		} catch {
			// Storage full or refused: collapsing still works for this page.
		}
	}

	// --- counts -------------------------------------------------------------------------------

	/** A new filter, sort, search or grouping: counted again, collapsed groups read back. */
	setConfig(config: ViewConfig): void {
		const grouping = this.groupBy.join(',');
		this.config = config;
		if (grouping !== this.groupBy.join(',')) this.readCollapsed();
		void this.load();
	}

	/** Rows were created or deleted: count again when the store's total left the counts'. */
	totalChanged(total: number): void {
		const covered = this.counts?.reduce((sum, group) => sum + group.count, 0);
		if (covered !== undefined && covered !== total) this.recountSoon();
	}

	recountSoon(): void {
		if (this.timer) clearTimeout(this.timer);
		this.timer = setTimeout(() => {
			this.timer = null;
			void this.load(true);
		}, RECOUNT_MS);
	}

	/** Fetches the counts; on a recount that changed them, the rows are placed again. */
	async load(isRecount = false): Promise<void> {
		const generation = ++this.generation;
		const params = this.params();
		if (!params) {
			this.counts = null;
			this.countedKey = '';
			this.error = null;
			return;
		}
		const key = params.toString();
		try {
			const response = await fetch(`${this.countsUrl}?${key}`);
			if (generation !== this.generation) return;
			if (!response.ok) {
				this.error = `The groups could not be counted: ${(await problemOf(response)).message}`;
				return;
			}
			const { groups } = (await response.json()) as { groups: GroupCount[] };
			if (generation !== this.generation) return;
			const isChanged = JSON.stringify(groups) !== JSON.stringify(this.counts);
			this.counts = groups;
			this.countedKey = key;
			this.error = null;
			if (isRecount && isChanged) this.store.refreshSoon(0);
		} catch {
			if (generation === this.generation)
				this.error = 'The groups could not be counted: the server is not reachable.';
		}
	}

	destroy(): void {
		this.generation++;
		if (this.timer) clearTimeout(this.timer);
		this.store.onPatch = null;
	}
}
