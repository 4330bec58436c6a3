import { describe, expect, it } from 'vitest';
import { parsePostgrestQuery } from '$lib/domain/query/postgrest';
import { pageUrl, totalFromContentRange } from './rest-query';

describe('pageUrl', () => {
	it('asks for the view with its window, in a query the server parses back', () => {
		const url = pageUrl(
			'/api/spaces/s/rest/guests',
			{
				filter: { type: 'condition', field: 'city', operator: 'eq', value: 'Paris, TX' },
				sort: [{ field: 'name', direction: 'desc' }]
			},
			{ offset: 200, limit: 100 }
		);
		const params = new URL(url, 'http://x').searchParams;
		expect(parsePostgrestQuery(params, { reserved: ['search', 'cursor'] })).toEqual({
			filter: { type: 'condition', field: 'city', operator: 'eq', value: 'Paris, TX' },
			sort: [{ field: 'name', direction: 'desc' }],
			limit: 100,
			offset: 200
		});
	});

	it('leaves the offset out of the first window', () => {
		expect(pageUrl('/rest/t', {}, { offset: 0, limit: 100 })).toBe('/rest/t?limit=100');
	});
});

describe('totalFromContentRange', () => {
	it('reads the counted total', () => {
		expect(totalFromContentRange('0-99/4321')).toBe(4321);
		expect(totalFromContentRange('*/0')).toBe(0);
		expect(totalFromContentRange('0-99/*')).toBeNull();
		expect(totalFromContentRange(null)).toBeNull();
	});
});
