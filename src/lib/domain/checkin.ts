// What the check-in desk receives from the server: its setup, the attendee list it keeps for
// offline search, the counts, and the answer to a scan or an undo. The server fills them
// (services/checkin.ts); the desk on the phone reads them.
import type { SpaceSummary } from './schema';

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
