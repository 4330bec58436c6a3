import { describe, expect, it } from 'vitest';
import type { AttendeeList, CheckinSetup } from '$lib/domain/checkin';
import { AttendeeBook, normalize } from './attendee-book';

const keys: CheckinSetup['fields'] = {
	checkedIn: { key: 'checked_in', name: 'Checked in' },
	at: { key: 'checked_in_at', name: 'Checked in at' },
	by: { key: 'checked_in_by', name: 'Checked in by' },
	code: { key: 'ticket_code', name: 'Ticket code' },
	name: { key: 'name', name: 'Name' },
	email: { key: 'email', name: 'Email' },
	gate: { key: 'gate', name: 'Gate' },
	ticketType: { key: 'ticket_type', name: 'Ticket type' }
};

const door = '11111111-1111-4111-8111-111111111111';

function list(rows: AttendeeList['rows']): AttendeeList {
	return {
		eventId: '1-0',
		generatedAt: '2026-07-17T10:00:00.000Z',
		ticketTypes: ['General', 'VIP'],
		gates: ['North', 'South'],
		users: [[door, 'Dora Door']],
		rows
	};
}

const book = () =>
	new AttendeeBook(
		list([
			['a', 'Zoë Zimmermann', 'zoe@example.test', 'DF-100-AAAA', 0, 0, 0, null, null],
			['b', 'Ada Lovelace', 'ada@example.test', 'DF-101-BBBB', 1, 1, 1, 1_784_282_400_000, 0],
			['c', 'Adam Smith', 'smith@example.test', 'DF-102-CCCC', 0, null, 0, null, null],
			['d', 'Grace Hopper', 'grace.ada@example.test', 'DF-103-DDDD', 0, 1, 0, null, null]
		])
	);

describe('AttendeeBook', () => {
	it('reads the compact rows', () => {
		const ada = book().get('b')!;
		expect(ada).toMatchObject({
			name: 'Ada Lovelace',
			ticketType: 'VIP',
			gate: 'South',
			isCheckedIn: true,
			by: door
		});
		expect(book().get('c')!.gate).toBeNull();
	});

	it('finds by name, email or code, ignoring case and accents, best matches first', () => {
		const names = (query: string) =>
			book()
				.search(query)
				.map((attendee) => attendee.name);
		expect(names('zoe')).toEqual(['Zoë Zimmermann']);
		expect(names('ADA')).toEqual(['Ada Lovelace', 'Adam Smith', 'Grace Hopper']);
		expect(names('df-103-dddd')).toEqual(['Grace Hopper']);
		expect(names('103')).toEqual(['Grace Hopper']);
		expect(names('ada love')).toEqual(['Ada Lovelace']);
		expect(names('smith')).toEqual(['Adam Smith']);
		expect(names('   ')).toEqual([]);
		expect(names('nobody')).toEqual([]);
	});

	it('puts an exact ticket code before names that merely contain it', () => {
		const many = new AttendeeBook(
			list([
				['x', 'Code Person', 'p@example.test', 'ab12', 0, 0, 0, null, null],
				['y', 'Aab12 Someone', 's@example.test', 'zz99', 0, 0, 0, null, null]
			])
		);
		expect(many.search('AB12').map((attendee) => attendee.id)).toEqual(['x', 'y']);
		expect(many.findByCode(' AB12 ')?.id).toBe('x');
	});

	it('keeps at most `limit` results', () => {
		const rows: AttendeeList['rows'] = Array.from({ length: 500 }, (_, index) => [
			`id-${index}`,
			`Guest ${index}`,
			null,
			`C-${index}`,
			null,
			null,
			0,
			null,
			null
		]);
		expect(new AttendeeBook(list(rows)).search('guest', 30)).toHaveLength(30);
	});

	it('applies live changes and counts per gate', () => {
		const attendees = book();
		expect(attendees.tally()).toEqual({
			total: 4,
			checkedIn: 1,
			gates: [
				{ gate: 'North', total: 1, checkedIn: 0 },
				{ gate: 'South', total: 2, checkedIn: 1 },
				{ gate: null, total: 1, checkedIn: 0 }
			]
		});
		attendees.applyChange(
			{
				id: 'a',
				action: 'update',
				values: { checked_in: true, checked_in_at: '2026-07-17T10:05:00.000Z', checked_in_by: door }
			},
			keys
		);
		attendees.applyChange(
			{
				id: 'e',
				action: 'create',
				values: { name: 'New Guest', ticket_code: 'NEW-1', gate: 'North' }
			},
			keys
		);
		attendees.applyChange({ id: 'c', action: 'delete', values: {} }, keys);
		attendees.applyChange(
			{ id: 'd', action: 'update', values: { ticket_code: 'CHANGED-1' } },
			keys
		);
		expect(attendees.get('a')).toMatchObject({
			isCheckedIn: true,
			at: Date.parse('2026-07-17T10:05:00.000Z')
		});
		expect(attendees.findByCode('new-1')?.name).toBe('New Guest');
		expect(attendees.findByCode('DF-103-DDDD')).toBeUndefined();
		expect(attendees.findByCode('changed-1')?.id).toBe('d');
		expect(attendees.tally()).toMatchObject({ total: 4, checkedIn: 2 });
		expect(attendees.tally().gates[0]).toEqual({ gate: 'North', total: 2, checkedIn: 1 });
	});

	it('normalizes the way a door person types', () => {
		expect(normalize('  Zoë   ZIMMERMANN ')).toBe('zoe zimmermann');
	});

	it('finds a code among 20,000 guests, and prints the time per keystroke', () => {
		const rows: AttendeeList['rows'] = Array.from({ length: 20_000 }, (_, index) => [
			`id-${index}`,
			`Person ${index.toString(36)} Example`,
			`person${index}@example.test`,
			`DF26-${100000 + index}-ABCD`,
			0,
			index % 2,
			0,
			null,
			null
		]);
		const attendees = new AttendeeBook(list(rows));
		const queries = ['p', 'pe', 'per', 'pers', 'perso', 'person', 'person 1', 'df26-11', 'zzz'];
		for (const query of queries) attendees.search(query, 30);
		const start = performance.now();
		for (let round = 0; round < 5; round += 1)
			for (const query of queries) attendees.search(query, 30);
		const perKeystroke = (performance.now() - start) / (5 * queries.length);
		console.log(`AttendeeBook.search over 20,000: ${perKeystroke.toFixed(2)} ms per keystroke`);
		expect(attendees.search('df26-119999-abcd')[0]!.id).toBe('id-19999');
	});
});
