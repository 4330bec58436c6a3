// What the check-in desk receives from the server: its setup, the attendee list it keeps for
// offline search, the counts, and the answer to a scan or an undo. The server fills them
// (services/checkin.ts); the desk on the phone reads them.
import type { Attribute, SpaceSummary } from './schema';

export interface CheckinSetup {
	space: SpaceSummary;
	/** The caller: who "by you" is, and whose offline queue and saved list this device holds. */
	me: CheckinPerson;
	type: { key: string; name: string };
	fields: Record<
		'checkedIn' | 'at' | 'by' | 'code' | 'name' | 'email' | 'gate' | 'ticketType',
		{ key: string; name: string } | null
	>;
	gates: string[];
	canCheckIn: boolean;
	/** Owners and editors may undo anyone's check-in; others only their own, for a while. */
	canUndoAny: boolean;
	undoWindowSeconds: number;
}

/**
 * One attendee as the list sends it, positions fixed to keep 20,000 of them small:
 * [id, name, email, code, ticket type (index into `ticketTypes`), gate (index into `gates`),
 *  checked in (1 or 0), checked in at (epoch ms), checked in by (index into `users`)].
 */
export type AttendeeRow = [
	string,
	string | null,
	string | null,
	string | null,
	number | null,
	number | null,
	0 | 1,
	number | null,
	number | null
];

export interface AttendeeList {
	/** The event log position read before the rows: live changes resume after it (SSE). */
	eventId: string;
	generatedAt: string;
	ticketTypes: string[];
	gates: string[];
	/** [user id, name]: the space's members and anyone else who checked a guest in. */
	users: [string, string | null][];
	rows: AttendeeRow[];
}

export interface GateCount {
	/** null: attendees without a gate. */
	gate: string | null;
	total: number;
	checkedIn: number;
}

export interface CheckinCounts {
	total: number;
	checkedIn: number;
	gates: GateCount[];
}

export interface AttendeeSummary {
	id: string;
	name: string | null;
	code: string | null;
	ticketType: string | null;
	gate: string | null;
}

export interface CheckinPerson {
	id: string;
	name: string | null;
}

export type ScanOutcome =
	| {
			status: 'checked_in';
			attendee: AttendeeSummary;
			at: string | null;
			by: CheckinPerson | null;
			/** The same scan (nonce) was answered before: this is that answer, not a second count. */
			isReplay: boolean;
	  }
	| {
			status: 'already';
			attendee: AttendeeSummary;
			at: string | null;
			by: CheckinPerson | null;
			isReplay: boolean;
	  };

export type UndoOutcome =
	| { status: 'undone'; attendee: AttendeeSummary; isReplay: boolean }
	| { status: 'not_checked_in'; attendee: AttendeeSummary; isReplay: false };

/**
 * The fields that make a check-in on a record type: the first checkbox the check-in role may
 * write, and beside it the first date-time and the first user field it may write ("checked in
 * at", "by"). Null when the type has no such checkbox. The desk finds its fields this way too.
 */
export interface CheckinTrio<A extends Pick<Attribute, 'key' | 'kind' | 'checkinAccess'>> {
	checkedIn: A;
	at?: A;
	by?: A;
}

export function checkinTrio<A extends Pick<Attribute, 'key' | 'kind' | 'checkinAccess'>>(
	attributes: readonly A[]
): CheckinTrio<A> | null {
	const writable = attributes.filter((attribute) => attribute.checkinAccess === 'write');
	const checkedIn = writable.find((attribute) => attribute.kind === 'checkbox');
	if (!checkedIn) return null;
	return {
		checkedIn,
		at: writable.find((attribute) => attribute.kind === 'datetime'),
		by: writable.find((attribute) => attribute.kind === 'user')
	};
}

/**
 * What a check-in means, whichever path makes it (grid, REST, import, the desk): ticking the
 * check-in box stamps "at" with the time and "by" with who ticked it; clearing it clears both.
 * Values the same write gives for "at" or "by" win, and re-ticking a box already ticked keeps
 * the first stamp. Returns only the values to add to the write.
 */
export function checkinStamp(
	trio: CheckinTrio<Pick<Attribute, 'key' | 'kind' | 'checkinAccess'>> | null,
	change: { values: Record<string, unknown>; wasCheckedIn: boolean; actorId: string; now: Date }
): Record<string, string | null> {
	if (!trio || !(trio.checkedIn.key in change.values)) return {};
	const isCheckedIn = change.values[trio.checkedIn.key] === true;
	if (isCheckedIn === change.wasCheckedIn) return {};
	const stamp: Record<string, string | null> = {};
	if (trio.at && !(trio.at.key in change.values)) {
		stamp[trio.at.key] = isCheckedIn ? change.now.toISOString() : null;
	}
	if (trio.by && !(trio.by.key in change.values)) {
		stamp[trio.by.key] = isCheckedIn ? change.actorId : null;
	}
	return stamp;
}
