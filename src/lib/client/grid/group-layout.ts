// The visual rows of a grouped grid: group header rows and record rows in one flow of fixed-height
// rows, so the virtual window, scrolling and positions stay plain `index * ROW` arithmetic and a
// header never sits on top of a cell.
//
// The server counts each leaf group over the whole filtered view, in the order its records query
// walks them (raw values, by offset). From those counts alone the layout knows which store offsets
// each group spans, so it can show groups in the order a spreadsheet user expects (a select's
// option order, empty last) while the row store keeps paging by offset in the query's order.
//
// Three index spaces:
// - visual: every row drawn, headers included (what the virtual window and positions use);
// - ordinal: the records that are shown, in visual order, headers and collapsed groups skipped
//   (what the selection, keys, paste and editor address: arrow down is ordinal + 1);
// - store: the record's offset in the query's order (what the row store pages by).

import type { GroupCount, GroupValue } from '$lib/domain/group-counts';

export type { GroupCount, GroupValue };

/** One grouping level: the field, and how its values read and order as groups. */
export interface GroupLevel {
	key: string;
	/** Values that show as one group become the same value (a checkbox never ticked is false). */
	normalize(value: GroupValue): GroupValue;
	/** Group order: negative when `a` comes first. */
	compare(a: GroupValue, b: GroupValue): number;
}

export interface GroupNode {
	/** 0 for the outermost level. */
	level: number;
	field: string;
	value: GroupValue;
	/** Stable across reloads and sessions: the fields and values from the outermost level down. */
	id: string;
	/** Records in the group over the whole view, collapsed or not. */
	count: number;
	children: GroupNode[];
	/** Leaf groups: the store offsets their records span, in the query's order. */
	segments: { start: number; count: number }[];
}

type Block =
	| { type: 'header'; visual: number; node: GroupNode }
	| { type: 'records'; visual: number; ordinal: number; start: number; count: number };

type RecordBlock = Extract<Block, { type: 'records' }>;

export type VisualRow =
	| { type: 'header'; node: GroupNode; isCollapsed: boolean }
	| { type: 'record'; ordinal: number; index: number };

/** The last item whose `at(item)` is at most `target`, by binary search; -1 when none is. */
function lastAtOrBefore<T>(items: T[], target: number, at: (item: T) => number): number {
	let low = 0;
	let high = items.length - 1;
	let found = -1;
	while (low <= high) {
		const middle = (low + high) >> 1;
		if (at(items[middle]!) <= target) {
			found = middle;
			low = middle + 1;
		} else high = middle - 1;
	}
	return found;
}

/** The group tree: leaf groups' offsets from the counts, children in each level's order. */
export function groupTree(levels: GroupLevel[], counts: GroupCount[]): GroupNode[] {
	const roots: GroupNode[] = [];
	const byId = new Map<string, GroupNode>();
	let start = 0;
	for (const { values, count } of counts) {
		let siblings = roots;
		let node: GroupNode | undefined;
		const path: [string, GroupValue][] = [];
		levels.forEach((level, depth) => {
			const value = level.normalize(values[depth] ?? null);
			path.push([level.key, value]);
			const id = JSON.stringify(path);
			node = byId.get(id);
			if (!node) {
				node = { level: depth, field: level.key, value, id, count: 0, children: [], segments: [] };
				byId.set(id, node);
				siblings.push(node);
			}
			node.count += count;
			siblings = node.children;
		});
		node?.segments.push({ start, count });
		start += count;
	}
	const order = (nodes: GroupNode[]) => {
		if (nodes.length === 0) return;
		const level = levels[nodes[0]!.level]!;
		nodes.sort((a, b) => level.compare(a.value, b.value));
		for (const node of nodes) order(node.children);
	};
	order(roots);
	return roots;
}

export class GroupLayout {
	/** Rows drawn, headers included. */
	readonly visualCount: number;
	/** Records shown (not in a collapsed group). */
	readonly recordCount: number;
	readonly groups: GroupNode[];
	private readonly blocks: Block[] = [];
	/** Record blocks in visual order, and again by store offset. */
	private readonly runs: RecordBlock[] = [];
	private readonly runsByStart: RecordBlock[];

	/**
	 * `total` is the store's row count. Records past what the counts cover (created here since
	 * the counts were taken) follow the last group, without a header, until the next count.
	 */
	constructor(
		levels: GroupLevel[],
		counts: GroupCount[] | null,
		private readonly collapsed: ReadonlySet<string>,
		total: number
	) {
		this.groups = levels.length && counts ? groupTree(levels, counts) : [];
		let visual = 0;
		let ordinal = 0;
		const addRecords = (start: number, count: number) => {
			if (count <= 0) return;
			const block: RecordBlock = { type: 'records', visual, ordinal, start, count };
			this.blocks.push(block);
			this.runs.push(block);
			visual += count;
			ordinal += count;
		};
		const walk = (node: GroupNode) => {
			this.blocks.push({ type: 'header', visual: visual++, node });
			if (collapsed.has(node.id)) return;
			for (const child of node.children) walk(child);
			for (const segment of node.segments) addRecords(segment.start, segment.count);
		};
		for (const node of this.groups) walk(node);
		const covered = levels.length && counts ? counts.reduce((sum, each) => sum + each.count, 0) : 0;
		addRecords(covered, total - covered);
		this.visualCount = visual;
		this.recordCount = ordinal;
		this.runsByStart = [...this.runs].sort((a, b) => a.start - b.start);
	}

	isCollapsed(node: GroupNode): boolean {
		return this.collapsed.has(node.id);
	}

	/** What visual row `visual` shows. */
	at(visual: number): VisualRow | null {
		const found = lastAtOrBefore(this.blocks, visual, (block) => block.visual);
		const block = this.blocks[found];
		if (!block) return null;
		if (block.type === 'header')
			return block.visual === visual
				? { type: 'header', node: block.node, isCollapsed: this.collapsed.has(block.node.id) }
				: null;
		const offset = visual - block.visual;
		if (offset >= block.count) return null;
		return { type: 'record', ordinal: block.ordinal + offset, index: block.start + offset };
	}

	private runOfOrdinal(ordinal: number): RecordBlock | undefined {
		const run = this.runs[lastAtOrBefore(this.runs, ordinal, (block) => block.ordinal)];
		return run && ordinal < run.ordinal + run.count ? run : undefined;
	}

	/** The visual row of a shown record, or -1. */
	visualOf(ordinal: number): number {
		const run = this.runOfOrdinal(ordinal);
		return run ? run.visual + ordinal - run.ordinal : -1;
	}

	/** The store offset of a shown record, or -1. */
	indexOf(ordinal: number): number {
		const run = this.runOfOrdinal(ordinal);
		return run ? run.start + ordinal - run.ordinal : -1;
	}

	/** The ordinal of the record at a store offset, or -1 when its group is collapsed. */
	ordinalOf(index: number): number {
		const run = this.runsByStart[lastAtOrBefore(this.runsByStart, index, (block) => block.start)];
		return run && index < run.start + run.count ? run.ordinal + index - run.start : -1;
	}

	/** The store offsets the visual rows first..last show, as merged inclusive ranges. */
	storeRanges(first: number, last: number): { first: number; last: number }[] {
		const ranges: { first: number; last: number }[] = [];
		const from = Math.max(
			0,
			lastAtOrBefore(this.runs, first, (block) => block.visual)
		);
		for (let at = from; at < this.runs.length; at++) {
			const run = this.runs[at]!;
			if (run.visual > last) break;
			const begin = run.start + Math.max(0, first - run.visual);
			const end = run.start + Math.min(run.count - 1, last - run.visual);
			if (end < begin) continue;
			const previous = ranges.at(-1);
			if (previous && begin <= previous.last + 1 && end >= previous.first)
				previous.last = Math.max(previous.last, end);
			else ranges.push({ first: begin, last: end });
		}
		return ranges;
	}

	/** Every group's id, outermost first: what "collapse all" collapses. */
	allIds(): string[] {
		const ids: string[] = [];
		const walk = (node: GroupNode) => {
			ids.push(node.id);
			node.children.forEach(walk);
		};
		this.groups.forEach(walk);
		return ids;
	}
}
