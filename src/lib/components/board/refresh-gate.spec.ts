import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RefreshGate } from './refresh-gate';

describe('RefreshGate', () => {
	beforeEach(() => vi.useFakeTimers());
	afterEach(() => vi.useRealTimers());

	it('folds a burst of requests into one reload', () => {
		const reload = vi.fn();
		const gate = new RefreshGate(() => false, reload);
		gate.request();
		gate.request();
		vi.advanceTimersByTime(119);
		expect(reload).not.toHaveBeenCalled();
		vi.advanceTimersByTime(1);
		expect(reload).toHaveBeenCalledTimes(1);
	});

	it('holds a reload wanted mid-move until the move settles', () => {
		const reload = vi.fn();
		let isBusy = true;
		const gate = new RefreshGate(() => isBusy, reload);
		gate.request();
		vi.advanceTimersByTime(500);
		expect(reload).not.toHaveBeenCalled();
		isBusy = false;
		gate.settle();
		vi.advanceTimersByTime(120);
		expect(reload).toHaveBeenCalledTimes(1);
		gate.settle();
		vi.advanceTimersByTime(500);
		expect(reload).toHaveBeenCalledTimes(1);
	});

	it('drops a pending reload when disposed', () => {
		const reload = vi.fn();
		const gate = new RefreshGate(() => false, reload);
		gate.request();
		gate.dispose();
		vi.advanceTimersByTime(500);
		expect(reload).not.toHaveBeenCalled();
	});
});
