import { describe, expect, it } from 'vitest';
import { checkinStamp, checkinTrio } from './checkin';
import type { Attribute } from './schema';

const field = (
	key: string,
	kind: Attribute['kind'],
	checkinAccess: Attribute['checkinAccess']
) => ({
	key,
	kind,
	checkinAccess
});
const attendees = [
	field('name', 'text', 'read'),
	field('vip', 'checkbox', 'none'),
	field('checked_in', 'checkbox', 'write'),
	field('checked_in_at', 'datetime', 'write'),
	field('checked_in_by', 'user', 'write')
];
const trio = checkinTrio(attendees);
const now = new Date('2026-07-10T18:30:00.000Z');
const stamp = (values: Record<string, unknown>, wasCheckedIn = false) =>
	checkinStamp(trio, { values, wasCheckedIn, actorId: 'u1', now });

describe('checkinTrio', () => {
	it('takes the checkbox, time and user the check-in role may write', () => {
		expect(trio).toEqual({
			checkedIn: attendees[2],
			at: attendees[3],
			by: attendees[4]
		});
		expect(checkinTrio([field('vip', 'checkbox', 'read')])).toBeNull();
	});
});

describe('checkinStamp', () => {
	it('stamps time and person when the box is ticked, and clears them when it is cleared', () => {
		// Ticking "Checked in" in the grid left "at" and "by" empty.
		expect(stamp({ checked_in: true })).toEqual({
			checked_in_at: '2026-07-10T18:30:00.000Z',
			checked_in_by: 'u1'
		});
		expect(stamp({ checked_in: false }, true)).toEqual({
			checked_in_at: null,
			checked_in_by: null
		});
		expect(stamp({ checked_in: null }, true)).toEqual({
			checked_in_at: null,
			checked_in_by: null
		});
	});

	it('keeps values the write gives, the first stamp on a re-tick, and other writes alone', () => {
		expect(stamp({ checked_in: true, checked_in_at: '2026-07-10T17:00:00Z' })).toEqual({
			checked_in_by: 'u1'
		});
		expect(stamp({ checked_in: true }, true)).toEqual({});
		expect(stamp({ name: 'Ada' })).toEqual({});
		expect(
			checkinStamp(null, { values: { checked_in: true }, wasCheckedIn: false, actorId: 'u1', now })
		).toEqual({});
	});
});
