// Copy, cut and paste on the grid's selected range, and Delete (which cut also does): each
// works out its plan with the pure functions (copyRange, planClear, planPaste) and carries it
// out through GridLive, the row store and the page's callbacks.
import type { NoticeDetail } from './notices.svelte';
import type { CellValue } from '$lib/domain/attributes/kind';
import type { GridColumn, MemberInfo } from './fields';
import type { GridLive } from './live.svelte';
import { planPaste, splitCreatable } from './paste-plan';
import { copyRange, planClear } from './range-edits';
import type { RowSource } from './grouped-rows.svelte';
import type { GridRow } from './row-store.svelte';
import type { Selection } from './selection.svelte';
import { parseTsv } from './tsv';

/** What the clipboard needs from the grid, read when it is needed (the props change). */
export interface ClipboardContext {
	isEditing: boolean;
	canWrite: boolean;
	selection: Selection;
	columns: GridColumn[];
	store: RowSource;
	members: MemberInfo[];
	live: GridLive | null;
	onNotice(message: string, details?: NoticeDetail[]): void;
	/** Creates rows from pasted values; resolves to the created rows (already in the store). */
	onCreateRows(values: Record<string, CellValue>[]): Promise<GridRow[] | null>;
}

export class GridClipboard {
	constructor(private readonly context: () => ClipboardContext) {}

	/** Only events on a cell, and not while an editor is open (it handles its own). */
	private isOnCell(event: ClipboardEvent): boolean {
		const target = event.target as HTMLElement;
		return !this.context().isEditing && Boolean(target.closest?.('[data-cell]'));
	}

	copy(event: ClipboardEvent): void {
		if (!this.isOnCell(event)) return;
		const { selection, columns, store, members } = this.context();
		const text = copyRange(selection.range, columns, (index) => store.rowAt(index), members);
		event.clipboardData?.setData('text/plain', text);
		event.preventDefault();
	}

	cut(event: ClipboardEvent): void {
		if (!this.context().canWrite || !this.isOnCell(event)) return;
		this.copy(event);
		this.clear();
	}

	/** Empties the selected range (Delete, Backspace, and the second half of cut). */
	clear(): void {
		const { canWrite, selection, columns, store, live } = this.context();
		if (!canWrite) return;
		const plan = planClear(selection.range, columns, (index) => store.rowAt(index));
		for (const { record, field, message } of plan.errors) live?.setError(record, field, message);
		void live?.write(plan.changes);
	}

	async paste(event: ClipboardEvent): Promise<void> {
		if (!this.isOnCell(event)) return;
		event.preventDefault();
		const context = this.context();
		if (!context.canWrite) return context.onNotice('You can view this sheet but not change it.');
		const block = parseTsv(event.clipboardData?.getData('text/plain') ?? '');
		if (block.length === 0) return;
		const { selection, columns, store, live, onNotice } = context;
		const plan = planPaste({
			block,
			range: selection.range,
			columns,
			total: store.total,
			rowAt: (index) => store.rowAt(index),
			members: context.members
		});
		for (const { record, field, message } of plan.errors) live?.setError(record, field, message);
		const nameOf = (key: string) => columns.find((column) => column.key === key)?.name ?? key;
		const refused: NoticeDetail[] = plan.errors.map(({ record, field, message }) => ({
			where: `Row ${store.indexOf(record) + 1} · ${nameOf(field)}`,
			message
		}));
		selection.selectBlock(plan.selection.anchor, plan.selection.active);
		if (plan.unloaded) onNotice(`${plan.unloaded} rows were still loading and were not changed.`);
		const { creatable, rejections } = splitCreatable(plan.newRows, columns);
		for (const rejection of rejections) onNotice(rejection);
		// The cells it changed and the rows it added are one step of undo.
		const apply = async () => {
			const written = live?.write(plan.changes);
			if (creatable.length === 0) return written;
			const created = await context.onCreateRows(creatable.map(({ values }) => values));
			for (const [index, row] of (created ?? []).entries()) {
				for (const { field, message } of creatable[index]?.errors ?? []) {
					live?.setError(row.id, field, message);
					refused.push({ where: `Row ${store.indexOf(row.id) + 1} · ${nameOf(field)}`, message });
				}
			}
			await written;
		};
		await (live ? live.step(apply) : apply());
		// The red corners mark each refused cell; the notice lists them all, scrolled-away ones too.
		if (refused.length)
			onNotice(
				`${refused.length} pasted ${refused.length === 1 ? 'value was' : 'values were'} refused and left out`,
				refused
			);
	}
}
