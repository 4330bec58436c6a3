import { describe, expect, it } from 'vitest';
import type { SavedView } from '$lib/domain/views';
import { isChanged, savedForm, urlWithView, viewFromUrl } from './saved-views';

const sheet = {
	key: 'tasks',
	attributes: [
		{ key: 'title', name: 'Title', kind: 'text' as const, options: {} },
		{ key: 'due', name: 'Due', kind: 'date' as const, options: {} }
	]
};

const view = (id: string, config: SavedView['config']): SavedView => ({
	id,
	entityTypeId: 't',
	name: id,
	kind: 'grid',
	config,
	position: 0,
	createdBy: null,
	updatedAt: '2026-01-01T00:00:00.000Z'
});

describe('viewFromUrl', () => {
	const views = [view('v1', { sort: [{ field: 'due', direction: 'asc' }], hidden: ['gone'] })];

	it('starts from the view the link names, without parts the schema lost', () => {
		const url = new URL('https://roster.test/s/x/t/tasks?view=v1&other=1');
		expect(viewFromUrl(url, views, sheet)).toEqual({
			view: views[0],
			config: { sort: [{ field: 'due', direction: 'asc' }], hidden: [] },
			missing: false
		});
	});

	it('says when the linked view is gone, and starts from all records', () => {
		const result = viewFromUrl(new URL('https://roster.test/?view=nope'), views, sheet);
		expect(result).toEqual({ view: null, config: {}, missing: true });
		expect(viewFromUrl(new URL('https://roster.test/'), views, sheet).missing).toBe(false);
	});

	it('changes only the view parameter', () => {
		const url = new URL('https://roster.test/s/x/t/tasks?view=v1&q=2');
		expect(urlWithView(url, 'v2').search).toBe('?view=v2&q=2');
		expect(urlWithView(url, null).search).toBe('?q=2');
	});
});

describe('isChanged', () => {
	it('ignores key order, empty parts, search and conditions waiting for a value', () => {
		const saved = { sort: [{ field: 'due', direction: 'asc' as const }], widths: { title: 200 } };
		expect(
			isChanged(
				{
					widths: { title: 200 },
					search: 'x',
					hidden: [],
					filter: {
						type: 'and',
						children: [{ type: 'condition', field: 'title', operator: 'eq', value: '' }]
					},
					sort: [{ direction: 'asc', field: 'due' }]
				},
				saved
			)
		).toBe(false);
		expect(isChanged({ ...saved, widths: { title: 201 } }, saved)).toBe(true);
		expect(isChanged({}, null)).toBe(false);
		expect(isChanged({ groupBy: ['title'] }, null)).toBe(true);
	});

	it('saves complete conditions only', () => {
		expect(
			savedForm({
				filter: {
					type: 'or',
					children: [
						{ type: 'condition', field: 'title', operator: 'contains', value: 'x' },
						{ type: 'condition', field: 'due', operator: 'lt', value: '' }
					]
				},
				search: 'kept out'
			})
		).toEqual({
			filter: {
				type: 'or',
				children: [{ type: 'condition', field: 'title', operator: 'contains', value: 'x' }]
			}
		});
	});
});
