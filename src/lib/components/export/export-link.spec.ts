import { describe, expect, it } from 'vitest';
import { exportQuery } from './export-link';

describe('exportQuery', () => {
	it('names the format, and the view when one is open', () => {
		expect(exportQuery({ format: 'csv' })).toBe('format=csv');
		expect(exportQuery({ format: 'csv', view: null })).toBe('format=csv');
		expect(
			exportQuery({ format: 'xlsx', view: { id: '0b6c3f1e-2f1a-4c8e-9d4b-6a1f2e3d4c5b' } })
		).toBe('format=xlsx&view=0b6c3f1e-2f1a-4c8e-9d4b-6a1f2e3d4c5b');
	});
});
