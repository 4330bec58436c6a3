import { describe, expect, it } from 'vitest';
import { placeBeside } from './view-fields';

describe('placeBeside', () => {
	const order = ['name', 'email', 'phone'];

	it('puts a key left or right of its neighbour, moving it if it was there already', () => {
		expect(placeBeside(order, 'new', 'email', 'left')).toEqual(['name', 'new', 'email', 'phone']);
		expect(placeBeside(order, 'new', 'email', 'right')).toEqual(['name', 'email', 'new', 'phone']);
		expect(placeBeside(order, 'new', 'phone', 'right')).toEqual(['name', 'email', 'phone', 'new']);
		expect(placeBeside(order, 'name', 'phone', 'right')).toEqual(['email', 'phone', 'name']);
	});

	it('appends the key when the neighbour is gone', () => {
		expect(placeBeside(order, 'new', 'gone', 'left')).toEqual([...order, 'new']);
	});
});
