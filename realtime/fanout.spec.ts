import { describe, expect, it } from 'vitest';
import { FlushPacer } from './fanout';

describe('FlushPacer', () => {
	it('lets the first flush go at once', () => {
		expect(new FlushPacer(0.5).nextAt()).toBe(-Infinity);
	});

	it('pauses after a flush so that flushing takes at most its share of the time', () => {
		const half = new FlushPacer(0.5);
		half.flushed(1_000, 10);
		// 10 ms of sending at half the loop: another 10 ms for everything else first.
		expect(half.nextAt()).toBe(1_010);
		const quarter = new FlushPacer(0.25);
		quarter.flushed(1_000, 10);
		expect(quarter.nextAt()).toBe(1_030);
		// All of the loop: the next flush may follow at once.
		const greedy = new FlushPacer(1);
		greedy.flushed(1_000, 10);
		expect(greedy.nextAt()).toBe(1_000);
	});

	it('follows the cost as a moving average, so one slow flush does not stall the next', () => {
		const pacer = new FlushPacer(0.5);
		pacer.flushed(0, 10);
		pacer.flushed(100, 110);
		// 10 * 0.7 + 110 * 0.3 = 40 ms of cost, not 110.
		expect(pacer.nextAt()).toBeCloseTo(140);
		pacer.flushed(200, 0);
		expect(pacer.nextAt()).toBeCloseTo(200 + 28);
	});

	it('never pauses longer than its cap', () => {
		const pacer = new FlushPacer(0.5, 1_000);
		pacer.flushed(0, 5_000);
		expect(pacer.nextAt()).toBe(1_000);
	});
});
