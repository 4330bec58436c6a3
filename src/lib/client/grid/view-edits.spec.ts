import { describe, expect, it } from 'vitest';
import type { ViewConfig } from '$lib/domain/views';
import {
	columnMenuOptions,
	withColumnMoved,
	withGroupLevel,
	withHidden,
	withPlacedBeside,
	withSortBy,
	withSummary,
	withWidth
} from './view-edits';

const config: ViewConfig = {
	sort: [
		{ field: 'name', direction: 'asc' },
		{ field: 'city', direction: 'desc' }
	],
	widths: { name: 200 },
	summaries: { score: 'sum' }
};

describe('view edits', () => {
	it('sorts by a field first, keeping its other keys, and takes a field out of the sort', () => {
		expect(withSortBy(config, 'city', 'asc').sort).toEqual([
			{ field: 'city', direction: 'asc' },
			{ field: 'name', direction: 'asc' }
		]);
		expect(withSortBy(config, 'name', null).sort).toEqual([{ field: 'city', direction: 'desc' }]);
	});

	it('keeps the rest of the view when a width, the order, hiding or grouping changes', () => {
		expect(withWidth(config, 'city', 150).widths).toEqual({ name: 200, city: 150 });
		expect(withColumnMoved(config, ['name', 'city', 'score'], 'score', 'name').order).toEqual([
			'score',
			'name',
			'city'
		]);
		expect(withHidden(withHidden(config, 'city'), 'score').hidden).toEqual(['city', 'score']);
		expect(withGroupLevel(withGroupLevel(config, 'city'), 'vip').groupBy).toEqual(['city', 'vip']);
		expect(withGroupLevel(config, 'city').sort).toBe(config.sort);
	});

	it('places an inserted column beside its neighbour only in a view with its own order', () => {
		expect(withPlacedBeside(config, 'new', 'name', 'right')).toBe(config);
		const ordered = { ...config, order: ['city', 'name'] };
		expect(withPlacedBeside(ordered, 'new', 'name', 'left').order).toEqual(['city', 'new', 'name']);
		expect(withPlacedBeside(ordered, 'new', 'gone', 'left')).toBe(ordered);
	});

	it('chooses a footer summary per field, and takes one away', () => {
		expect(withSummary(config, 'city', 'filled').summaries).toEqual({
			score: 'sum',
			city: 'filled'
		});
		expect(withSummary(config, 'score', null).summaries).toEqual({});
	});

	it('offers grouping on groupable kinds, up to three levels, and never duplicates a link', () => {
		const city = { key: 'city', kind: 'text' } as const;
		expect(columnMenuOptions(city, {}, true)).toEqual({
			canManageSchema: true,
			canGroup: true,
			canDuplicate: true
		});
		expect(columnMenuOptions(city, { groupBy: ['city'] }, false).canGroup).toBe(false);
		expect(columnMenuOptions(city, { groupBy: ['a', 'b', 'c'] }, false).canGroup).toBe(false);
		expect(columnMenuOptions({ key: 'guest', kind: 'relation' }, {}, true).canDuplicate).toBe(
			false
		);
	});
});
