import { describe, expect, it } from 'vitest';
import { toGridField } from './fields';
import { GroupLayout, groupTree, type GroupCount } from './group-layout';
import { groupLevel } from './group-order';

const status = toGridField({
	id: 's',
	key: 'status',
	name: 'Status',
	kind: 'single_select',
	options: {
		choices: [
			{ id: 't', name: 'To do', color: 'gray' },
			{ id: 'p', name: 'In progress', color: 'blue' },
			{ id: 'd', name: 'Done', color: 'green' }
		]
	},
	isRequired: false,
	position: 0
} as never);
const urgent = toGridField({
	id: 'u',
	key: 'urgent',
	name: 'Urgent',
	kind: 'checkbox',
	options: {},
	isRequired: false,
	position: 1
} as never);

// As the server counts them: raw values, alphabetical, empty last (the records query's order).
const counts: GroupCount[] = [
	{ values: ['Done'], count: 2 }, // store 0-1
	{ values: ['In progress'], count: 1 }, // store 2
	{ values: ['To do'], count: 3 }, // store 3-5
	{ values: [null], count: 1 } // store 6
];
const levels = [groupLevel(status, [])];

const describeRows = (layout: GroupLayout) =>
	Array.from({ length: layout.visualCount }, (_, visual) => {
		const row = layout.at(visual)!;
		return row.type === 'header'
			? `# ${row.node.value ?? 'Empty'} (${row.node.count})${row.isCollapsed ? ' +' : ''}`
			: `${row.ordinal}@${row.index}`;
	});

describe('group layout', () => {
	it('shows groups in the select’s option order, the empty group last, each under its header', () => {
		const layout = new GroupLayout(levels, counts, new Set(), 7);
		expect(describeRows(layout)).toEqual([
			'# To do (3)',
			'0@3',
			'1@4',
			'2@5',
			'# In progress (1)',
			'3@2',
			'# Done (2)',
			'4@0',
			'5@1',
			'# Empty (1)',
			'6@6'
		]);
		expect(layout.visualCount).toBe(11);
		expect(layout.recordCount).toBe(7);
		// Arrow down from the last "To do" record lands on "In progress", past its header.
		expect(layout.visualOf(3)).toBe(5);
		expect(layout.indexOf(3)).toBe(2);
		expect(layout.ordinalOf(0)).toBe(4);
	});

	it('skips the records of a collapsed group, keeping its header and count', () => {
		const collapsed = groupTree(levels, counts).find((node) => node.value === 'To do')!.id;
		const layout = new GroupLayout(levels, counts, new Set([collapsed]), 7);
		expect(describeRows(layout)).toEqual([
			'# To do (3) +',
			'# In progress (1)',
			'0@2',
			'# Done (2)',
			'1@0',
			'2@1',
			'# Empty (1)',
			'3@6'
		]);
		expect(layout.recordCount).toBe(4);
		expect(layout.ordinalOf(4)).toBe(-1);
		expect(layout.visualOf(0)).toBe(2);
		expect(layout.visualOf(4)).toBe(-1);
		expect(layout.storeRanges(0, 5)).toEqual([
			{ first: 2, last: 2 },
			{ first: 0, last: 1 }
		]);
	});

	it('nests two levels and reads an unticked checkbox with no value as unticked', () => {
		const twoLevels = [groupLevel(status, []), groupLevel(urgent, [])];
		const layout = new GroupLayout(
			twoLevels,
			[
				{ values: ['Done', false], count: 1 },
				{ values: ['Done', true], count: 1 },
				{ values: ['Done', null], count: 2 },
				{ values: ['To do', true], count: 1 }
			],
			new Set(),
			5
		);
		expect(describeRows(layout)).toEqual([
			'# To do (1)',
			'# true (1)',
			'0@4',
			'# Done (4)',
			'# false (3)',
			'1@0',
			'2@2',
			'3@3',
			'# true (1)',
			'4@1'
		]);
		expect(layout.at(4)).toMatchObject({ type: 'header', node: { level: 1, field: 'urgent' } });
		expect(layout.storeRanges(0, 9)).toEqual([
			{ first: 4, last: 4 },
			{ first: 0, last: 0 },
			{ first: 2, last: 3 },
			{ first: 1, last: 1 }
		]);
	});

	it('reverses the values, not the empty group, for a descending sort', () => {
		const layout = new GroupLayout([groupLevel(status, [], 'desc')], counts, new Set(), 7);
		expect(describeRows(layout).filter((row) => row.startsWith('#'))).toEqual([
			'# Done (2)',
			'# In progress (1)',
			'# To do (3)',
			'# Empty (1)'
		]);
	});

	it('lists records created since the count after the last group, and is one run ungrouped', () => {
		const layout = new GroupLayout(levels, counts, new Set(), 8);
		expect(describeRows(layout).slice(-2)).toEqual(['6@6', '7@7']);
		const flat = new GroupLayout([], null, new Set(), 3);
		expect(describeRows(flat)).toEqual(['0@0', '1@1', '2@2']);
		expect(flat.storeRanges(1, 10)).toEqual([{ first: 1, last: 2 }]);
	});
});
