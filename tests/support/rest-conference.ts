// The small conference the PostgREST-breadth suites read and write: customers (with a unique
// code), attendees linking one customer (text, long text, number, multi select) and sessions
// linking many attendees, so every embedding direction and array operator has something to meet.
import type { AppContext } from '$lib/server/context';
import { addAttribute } from '$lib/server/services/attributes';
import { createEntityType } from '$lib/server/services/entity-types';
import type { TestUser } from './app';

/** Creates the three types and their fields in the space. */
export async function createConferenceTypes(
	context: AppContext,
	owner: TestUser,
	space: string
): Promise<void> {
	const target = { context, actor: owner.actor, space };
	const type = (name: string) => createEntityType({ ...target, input: { name } });
	const add = (type: string, input: Record<string, unknown>) =>
		addAttribute({ ...target, type, input });
	const customers = await type('Customers');
	await add('customers', { name: 'Name', kind: 'text' });
	await add('customers', { name: 'Code', kind: 'text', isUnique: true });
	await add('customers', { name: 'City', kind: 'text' });
	const attendees = await type('Attendees');
	await add('attendees', { name: 'Name', kind: 'text' });
	await add('attendees', { name: 'Bio', kind: 'long_text' });
	await add('attendees', { name: 'Score', kind: 'number' });
	await add('attendees', {
		name: 'Tags',
		kind: 'multi_select',
		options: { choices: [{ name: 'speaker' }, { name: 'press' }, { name: 'staff' }] }
	});
	await add('attendees', {
		name: 'Customer',
		kind: 'relation',
		options: { targetEntityTypeId: customers.id, allowMultiple: false }
	});
	await type('Sessions');
	await add('sessions', { name: 'Title', kind: 'text' });
	await add('sessions', {
		name: 'Speakers',
		kind: 'relation',
		options: { targetEntityTypeId: attendees.id, allowMultiple: true }
	});
}

type Row = Record<string, unknown>;

/**
 * The records to create, type by type in order: each entry's `keys` name the ids of the rows
 * created, and its `rows` may use the ids of the entries before it.
 */
export const conferenceRecords: {
	type: string;
	keys: string[];
	rows: (ids: Record<string, string>) => Row[];
}[] = [
	{
		type: 'customers',
		keys: ['acme', 'globex'],
		rows: () => [
			{ name: 'Acme', code: 'AC', city: 'Berlin' },
			{ name: 'Globex', code: 'GX', city: 'Paris' }
		]
	},
	{
		type: 'attendees',
		keys: ['ada', 'grace', 'linus'],
		rows: (ids) => [
			{
				name: 'Ada',
				bio: 'Writes the first programs for the analytical engine',
				score: 9.5,
				tags: ['speaker'],
				customer: [ids.acme]
			},
			{
				name: 'Grace',
				bio: 'Invented the compiler and found a moth in the machine',
				score: 8,
				tags: ['speaker', 'staff'],
				customer: [ids.acme]
			},
			{
				name: 'Linus',
				bio: 'Wrote a kernel for fun',
				score: 7,
				tags: ['press'],
				customer: [ids.globex]
			}
		]
	},
	{
		type: 'sessions',
		keys: ['keynote', 'panel'],
		rows: (ids) => [
			{ title: 'Keynote', speakers: [ids.grace, ids.ada] },
			{ title: 'Panel', speakers: [ids.linus] }
		]
	}
];
