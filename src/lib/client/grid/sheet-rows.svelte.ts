// A sheet page's records: the row store under its grouping, the rows ticked for row actions, a
// new query when the view's rows change, and creating and deleting records over the sheet's
// REST collection (sheet-records.ts), for the page, the grid and the live connection alike.
import { untrack } from 'svelte';
import { SvelteSet } from 'svelte/reactivity';
import type { CellValue } from '$lib/domain/attributes/kind';
import type { GroupCount } from '$lib/domain/group-counts';
import type { ViewConfig } from '$lib/domain/views';
import type { GridField, MemberInfo } from './fields';
import { GroupedRows } from './grouped-rows.svelte';
import type { GridLive } from './live.svelte';
import { RowStore, type FirstPage, type GridRow } from './row-store.svelte';
import { createRecords, deleteRecords } from './sheet-records';

/** What the page loaded with the sheet; read once, when the page opens. */
export interface SheetRowsStart {
	space: string;
	type: string;
	/** The sheet's REST collection, which the row store reads. */
	collection: string;
	/** The view as queried (effectiveConfig). */
	config: ViewConfig;
	firstPage: FirstPage | null;
	loadError: string | null;
	/** A grouped view's counts, read with the first page (null: asked on mount). */
	groupCounts: GroupCount[] | null;
}

/** What the rows need from the page, read when they need it (the props change). */
export interface SheetRowsContext {
	/** The sheet's REST collection, for creating and deleting. */
	collection: string;
	/** Every field of the sheet and the members, for the group headers. */
	fields: GridField[];
	members: MemberInfo[];
	live: GridLive | null;
	onNotice(message: string): void;
}

/** Filter, sort, search and grouping change the rows; widths, order and hidden fields do not. */
const queryKeyOf = (config: ViewConfig) =>
	JSON.stringify([config.filter, config.sort, config.search, config.groupBy]);

export class SheetRows {
	readonly store: RowStore;
	/** The records as the grid shows them: under group header rows when grouped. */
	readonly groups: GroupedRows;
	/** The rows ticked in the row headers, for delete and merge. */
	readonly selected = new SvelteSet<string>();
	private queriedKey: string;

	/** Created while the page is: its effect ends with the page. */
	constructor(
		private readonly start: SheetRowsStart,
		private readonly context: () => SheetRowsContext
	) {
		const { space, type, collection, config, firstPage, loadError, groupCounts } = start;
		this.store = new RowStore(collection, config, firstPage);
		if (loadError) {
			this.store.status = 'error';
			this.store.error = loadError;
		}
		this.groups = new GroupedRows(
			this.store,
			`/api/spaces/${encodeURIComponent(space)}/types/${encodeURIComponent(type)}/groups`,
			`${space}/${type}`,
			() => {
				const { fields, members } = this.context();
				return { fields, members };
			},
			config,
			groupCounts
		);
		this.queriedKey = queryKeyOf(config);
		// Rows created or deleted (here or by others) change the counts.
		$effect(() => {
			const total = this.store.total;
			untrack(() => this.groups.totalChanged(total));
		});
	}

	/** Loads what the page did not (call on mount); returns the way to stop. */
	mount(): () => void {
		if (!this.start.groupCounts) void this.groups.load();
		return () => this.groups.destroy();
	}

	/** Queries again when the view's rows change; the ticked rows are then let go. */
	query(config: ViewConfig): void {
		const key = queryKeyOf(config);
		if (key === this.queriedKey) return;
		this.queriedKey = key;
		untrack(() => {
			this.selected.clear();
			this.store.setConfig(config);
			this.groups.setConfig(config);
		});
	}

	/** Creates records (live redo, or the user's add); null when none was created. */
	insert = async (values: Record<string, CellValue>[]): Promise<GridRow[] | null> => {
		const { collection, onNotice } = this.context();
		const { created, problem } = await createRecords(collection, values);
		if (problem) onNotice(problem);
		if (created.length) this.store.append(created);
		return created.length ? created : null;
	};

	/** Rows the user adds (a paste past the end, Add record): a step of undo that deletes them. */
	create = async (values: Record<string, CellValue>[]): Promise<GridRow[] | null> => {
		const rows = await this.insert(values);
		this.context().live?.rowsAdded(
			(rows ?? []).map((row, index) => ({ id: row.id, values: values[index]! }))
		);
		return rows;
	};

	/** Deletes records for the live connection (an undo of an add); false, with a notice, on failure. */
	remove = async (ids: string[]): Promise<boolean> => {
		const { collection, onNotice } = this.context();
		try {
			await deleteRecords(collection, ids, (deleted) => this.forget(deleted));
			return true;
		} catch (error) {
			onNotice(`The rows were not removed: ${(error as Error).message}`);
			return false;
		}
	};

	/** Deletes the ticked rows; rejects with the sentence to show (the dialog shows it). */
	deleteSelected = (): Promise<void> =>
		deleteRecords(this.context().collection, [...this.selected], (ids) => this.forget(ids));

	private forget(ids: string[]): void {
		this.store.remove(ids);
		for (const id of ids) this.selected.delete(id);
	}
}
