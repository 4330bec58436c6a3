import { describe, expect, it } from 'vitest';
import { flushInterval } from './fanout';

describe('flushInterval', () => {
	it('flushes small sheets at once and spaces out big ones, within a second', () => {
		expect(flushInterval(0)).toBe(0);
		expect(flushInterval(20)).toBe(1);
		expect(flushInterval(1_000)).toBe(50);
		expect(flushInterval(10_000)).toBe(500);
		expect(flushInterval(1_000_000)).toBe(1_000);
	});
});
