// The attendee list a check-in device keeps in memory: built once from the server's compact list,
// searched on every keystroke (a lowercase, accent-free haystack per guest is made up front, so a
// keystroke is one `includes` per guest), changed by live events and by this device's check-ins.
import type { CellValue } from '$lib/domain/attributes/kind';
import type { AttendeeList, CheckinSetup } from '$lib/domain/checkin';

export interface Attendee {
	id: string;
	name: string;
	email: string;
	code: string;
	ticketType: string | null;
	gate: string | null;
	isCheckedIn: boolean;
	/** Epoch ms. */
	at: number | null;
	/** User id. */
	by: string | null;
	/** name, email and code, lowercased and without accents, one per line. */
	haystack: string;
	nameKey: string;
	codeKey: string;
}

export interface GateTally {
	gate: string | null;
	total: number;
	checkedIn: number;
}

export interface Tally {
	total: number;
	checkedIn: number;
	gates: GateTally[];
}

/** Lowercase, accents stripped, spaces collapsed: how both the index and a query are compared. */
export function normalize(text: string): string {
	return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** How well a guest matches, best first: ticket code, start of the name, start of a word, anywhere. */
const Rank = { Code: 0, CodeStart: 1, NameStart: 2, WordStart: 3, Anywhere: 4 } as const;
type Rank = (typeof Rank)[keyof typeof Rank];
const RANKS = 5;

export type FieldKeys = CheckinSetup['fields'];

export class AttendeeBook {
	readonly attendees: Attendee[] = [];
	private readonly byId = new Map<string, Attendee>();
	private readonly byCode = new Map<string, Attendee>();
	readonly users = new Map<string, string | null>();
	readonly gates: string[];

	constructor(list: AttendeeList) {
		this.gates = [...list.gates];
		for (const [id, name] of list.users) this.users.set(id, name);
		for (const [id, name, email, code, type, gate, checked, at, by] of list.rows) {
			this.put({
				id,
				name: name ?? '',
				email: email ?? '',
				code: code ?? '',
				ticketType: type === null ? null : (list.ticketTypes[type] ?? null),
				gate: gate === null ? null : (list.gates[gate] ?? null),
				isCheckedIn: checked === 1,
				at,
				by: by === null ? null : (list.users[by]?.[0] ?? null)
			});
		}
		// Results come out in name order within a rank, without sorting per keystroke.
		this.attendees.sort((a, b) => (a.nameKey < b.nameKey ? -1 : a.nameKey > b.nameKey ? 1 : 0));
	}

	get size(): number {
		return this.attendees.length;
	}

	get(id: string): Attendee | undefined {
		return this.byId.get(id);
	}

	/** The guest whose ticket code is exactly this (ignoring case and surrounding space). */
	findByCode(code: string): Attendee | undefined {
		return this.byCode.get(normalize(code));
	}

	private put(fields: Omit<Attendee, 'haystack' | 'nameKey' | 'codeKey'>): Attendee {
		const attendee = fields as Attendee;
		this.index(attendee);
		this.attendees.push(attendee);
		this.byId.set(attendee.id, attendee);
		return attendee;
	}

	private index(attendee: Attendee): void {
		attendee.nameKey = normalize(attendee.name);
		attendee.codeKey = normalize(attendee.code);
		attendee.haystack = `${attendee.nameKey}\n${normalize(attendee.email)}\n${attendee.codeKey}`;
		if (attendee.codeKey) this.byCode.set(attendee.codeKey, attendee);
	}

	/**
	 * Guests matching every word of the query in name, email or code, best matches first, at most
	 * `limit` of them. One pass over the list; no sorting.
	 */
	search(query: string, limit = 50): Attendee[] {
		const needle = normalize(query);
		if (!needle) return [];
		const words = needle.split(' ');
		const wordStart = ` ${needle}`;
		const buckets: Attendee[][] = Array.from({ length: RANKS }, () => []);
		let found = 0;
		for (const attendee of this.attendees) {
			const { haystack } = attendee;
			let isMatch = true;
			for (const word of words) {
				if (!haystack.includes(word)) {
					isMatch = false;
					break;
				}
			}
			if (!isMatch) continue;
			const rank = rankOf(attendee, needle, wordStart);
			const bucket = buckets[rank]!;
			if (bucket.length < limit) {
				bucket.push(attendee);
				found += 1;
			}
			// Enough of the best rank: nothing later can come before them.
			if (rank === Rank.Code && bucket.length >= limit) break;
		}
		return found ? buckets.flat().slice(0, limit) : [];
	}

	/** Applies a record change (a live event, or a server's answer) by field keys; true if seen. */
	applyChange(
		change: {
			id: string;
			action: 'create' | 'update' | 'delete';
			values: Record<string, CellValue>;
		},
		keys: FieldKeys
	): boolean {
		if (change.action === 'delete') {
			const attendee = this.byId.get(change.id);
			if (!attendee) return false;
			this.byId.delete(change.id);
			if (this.byCode.get(attendee.codeKey) === attendee) this.byCode.delete(attendee.codeKey);
			this.attendees.splice(this.attendees.indexOf(attendee), 1);
			return true;
		}
		let attendee = this.byId.get(change.id);
		if (!attendee) {
			if (change.action !== 'create') return false;
			attendee = this.put({
				id: change.id,
				name: '',
				email: '',
				code: '',
				ticketType: null,
				gate: null,
				isCheckedIn: false,
				at: null,
				by: null
			});
		}
		const { values } = change;
		const has = (field: keyof FieldKeys) => {
			const key = keys[field]?.key;
			return key !== undefined && key in values;
		};
		const text = (field: keyof FieldKeys) => {
			const value = values[keys[field]!.key];
			return typeof value === 'string' ? value : null;
		};
		const oldCode = attendee.codeKey;
		if (has('name')) attendee.name = text('name') ?? '';
		if (has('email')) attendee.email = text('email') ?? '';
		if (has('code')) attendee.code = text('code') ?? '';
		if (has('ticketType')) attendee.ticketType = text('ticketType');
		if (has('gate')) attendee.gate = text('gate');
		if (has('checkedIn')) attendee.isCheckedIn = values[keys.checkedIn!.key] === true;
		if (has('at')) {
			const at = text('at');
			attendee.at = at ? Date.parse(at) : null;
		}
		if (has('by')) attendee.by = text('by');
		if (attendee.gate && !this.gates.includes(attendee.gate)) this.gates.push(attendee.gate);
		if (this.byCode.get(oldCode) === attendee) this.byCode.delete(oldCode);
		this.index(attendee);
		return true;
	}

	/** Marks a guest checked in or out on this device (an optimistic change or a server's answer). */
	setCheckedIn(id: string, state: { isCheckedIn: boolean; at: number | null; by: string | null }) {
		const attendee = this.byId.get(id);
		if (!attendee) return;
		attendee.isCheckedIn = state.isCheckedIn;
		attendee.at = state.at;
		attendee.by = state.by;
	}

	/** Checked in against total, overall and per gate (the list's gate order, then no gate). */
	tally(): Tally {
		const perGate = new Map<string | null, GateTally>();
		for (const gate of this.gates) perGate.set(gate, { gate, total: 0, checkedIn: 0 });
		let checkedIn = 0;
		for (const attendee of this.attendees) {
			let entry = perGate.get(attendee.gate);
			if (!entry)
				perGate.set(attendee.gate, (entry = { gate: attendee.gate, total: 0, checkedIn: 0 }));
			entry.total += 1;
			if (attendee.isCheckedIn) {
				entry.checkedIn += 1;
				checkedIn += 1;
			}
		}
		const gates = [...perGate.values()].filter((entry) => entry.gate !== null || entry.total > 0);
		return { total: this.attendees.length, checkedIn, gates };
	}
}

function rankOf(attendee: Attendee, needle: string, wordStart: string): Rank {
	if (attendee.codeKey === needle) return Rank.Code;
	if (attendee.codeKey.startsWith(needle)) return Rank.CodeStart;
	if (attendee.nameKey.startsWith(needle)) return Rank.NameStart;
	if (attendee.nameKey.includes(wordStart)) return Rank.WordStart;
	return Rank.Anywhere;
}
