import { describe, expect, it } from 'vitest';
import { toGridField } from './fields';
import { groupOpenedAt } from './row-groups';
import type { GridRow } from './row-store.svelte';

const city = toGridField({
	id: 'city',
	key: 'city',
	name: 'City',
	kind: 'text',
	options: {},
	position: 0,
	isRequired: false,
	isUnique: false
});
const rows: (GridRow | undefined)[] = [
	{ id: 'a', city: 'Lyon' },
	{ id: 'b', city: 'Lyon' },
	{ id: 'c', city: null },
	undefined,
	{ id: 'e', city: 'Porto' }
];
const at = (index: number) => groupOpenedAt(index, (i) => rows[i], city, []);

describe('groupOpenedAt', () => {
	it('labels the first row and each row whose group differs from the row above', () => {
		expect([0, 1, 2].map(at)).toEqual(['Lyon', null, 'Empty']);
	});

	it('says nothing while the row or the row above is not loaded', () => {
		expect(at(3)).toBeNull();
		expect(at(4)).toBeNull();
	});
});
