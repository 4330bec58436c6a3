// Records through the services against a real Postgres: the write path's validation and audit,
// the query compiler's filters, sorts, keyset pages, search and counts, relations, kind changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '$lib/server/context';
import { withActor } from '$lib/server/db';
import {
	addAttribute,
	changeAttributeKind,
	updateAttribute
} from '$lib/server/services/attributes';
import { createEntityType } from '$lib/server/services/entity-types';
import {
	createRecords,
	deleteRecords,
	getRecord,
	queryRecords,
	updateRecords,
	writeWhere
} from '$lib/server/services/records';
import type { RecordQuery } from '$lib/domain/query/ast';
import { bootTestApp, createSpace, createUser, stopTestApp, type TestUser } from '../support/app';

let context: AppContext;
let owner: TestUser;
let space: { id: string; slug: string };

const people = [
	{ name: 'Ada', age: 36, city: 'London', status: 'Active', joined: '2026-01-05', tags: ['VIP'] },
	{
		name: 'Grace',
		age: 45,
		city: 'New York',
		status: 'Active',
		joined: '2026-02-10',
		tags: ['VIP', 'Speaker']
	},
	{ name: 'Linus', age: 28, city: 'Helsinki', status: 'Inactive', joined: '2026-03-01', tags: [] },
	{
		name: 'Margaret',
		age: null,
		city: 'Boston',
		status: 'Active',
		joined: null,
		tags: ['Speaker']
	},
	{ name: 'Alan', age: 41, city: null, status: 'Inactive', joined: '2026-01-20', tags: [] },
	{ name: 'Barbara', age: 36, city: 'Boston', status: null, joined: '2026-04-02', tags: ['VIP'] }
];

beforeAll(async () => {
	context = await bootTestApp();
	owner = await createUser(context, 'Owner');
	space = await createSpace(context, owner, 'Records');
	const actor = owner.actor;
	await createEntityType({ context, actor, space: space.slug, input: { name: 'People' } });
	const fields = [
		{ name: 'Name', kind: 'text', isRequired: true },
		{ name: 'Age', kind: 'number' },
		{ name: 'City', kind: 'text' },
		{
			name: 'Status',
			kind: 'single_select',
			options: {
				choices: [
					{ id: 'a', name: 'Active', color: 'green' },
					{ id: 'i', name: 'Inactive', color: 'gray' }
				]
			}
		},
		{ name: 'Joined', kind: 'date' },
		{
			name: 'Tags',
			kind: 'multi_select',
			options: {
				choices: [
					{ id: 'v', name: 'VIP', color: 'red' },
					{ id: 's', name: 'Speaker', color: 'blue' }
				]
			}
		},
		{ name: 'Email', kind: 'email', isUnique: true },
		{ name: 'Number', kind: 'auto_number' }
	];
	for (const input of fields)
		await addAttribute({ context, actor, space: space.slug, type: 'people', input });
	await createRecords({ context, actor, space: space.slug, type: 'people', values: people });
});

afterAll(() => stopTestApp());

const query = (q: RecordQuery, count = false) =>
	queryRecords({ context, actor: owner.actor, space: space.slug, type: 'people', query: q, count });
const names = async (q: RecordQuery) => (await query(q)).records.map((record) => record.name);

async function auditCount(): Promise<number> {
	return withActor(
		context.db.runtime,
		owner.actor,
		async (tx) =>
			(await tx.query('select count(*)::int as n from audit_log where space_id = $1', [space.id]))
				.rows[0].n
	);
}

async function valueCount(): Promise<number> {
	return withActor(
		context.db.runtime,
		owner.actor,
		async (tx) =>
			(await tx.query('select count(*)::int as n from eav_values where space_id = $1', [space.id]))
				.rows[0].n
	);
}

describe('query', () => {
	it('filters with every operator', async () => {
		expect(
			await names({
				filter: { type: 'condition', field: 'age', operator: 'eq', value: '36' },
				sort: [{ field: 'name', direction: 'asc' }]
			})
		).toEqual(['Ada', 'Barbara']);
		expect(
			await names({
				filter: { type: 'condition', field: 'age', operator: 'gt', value: '40' },
				sort: [{ field: 'name', direction: 'asc' }]
			})
		).toEqual(['Alan', 'Grace']);
		expect(
			await names({
				filter: { type: 'condition', field: 'age', operator: 'lte', value: '36' },
				sort: [
					{ field: 'age', direction: 'asc' },
					{ field: 'name', direction: 'asc' }
				]
			})
		).toEqual(['Linus', 'Ada', 'Barbara']);
		expect(
			await names({
				filter: { type: 'condition', field: 'city', operator: 'neq', value: 'Boston' },
				sort: [{ field: 'name', direction: 'asc' }]
			})
		).toEqual(['Ada', 'Grace', 'Linus']);
		expect(
			await names({
				filter: { type: 'condition', field: 'city', operator: 'contains', value: 'on' },
				sort: [{ field: 'name', direction: 'asc' }]
			})
		).toEqual(['Ada', 'Barbara', 'Margaret']);
		expect(
			await names({
				filter: { type: 'condition', field: 'name', operator: 'starts_with', value: 'a' },
				sort: [{ field: 'name', direction: 'asc' }]
			})
		).toEqual(['Ada', 'Alan']);
		expect(
			await names({
				filter: { type: 'condition', field: 'city', operator: 'in', value: ['Helsinki', 'London'] },
				sort: [{ field: 'name', direction: 'asc' }]
			})
		).toEqual(['Ada', 'Linus']);
		expect(
			await names({ filter: { type: 'condition', field: 'city', operator: 'is_empty' } })
		).toEqual(['Alan']);
		expect(
			(await names({ filter: { type: 'condition', field: 'joined', operator: 'is_not_empty' } }))
				.length
		).toBe(5);
		expect(
			await names({
				filter: { type: 'condition', field: 'joined', operator: 'lt', value: '2026-02-01' },
				sort: [{ field: 'joined', direction: 'asc' }]
			})
		).toEqual(['Ada', 'Alan']);
		expect(
			await names({
				filter: { type: 'condition', field: 'tags', operator: 'contains', value: 'Speaker' },
				sort: [{ field: 'name', direction: 'asc' }]
			})
		).toEqual(['Grace', 'Margaret']);
		expect(
			await names({
				filter: { type: 'condition', field: 'name', operator: 'like', value: '%ar%' },
				sort: [{ field: 'name', direction: 'asc' }]
			})
		).toEqual(['Barbara', 'Margaret']);
	});

	it('nests and/or and negation', async () => {
		const filter = {
			type: 'or' as const,
			children: [
				{ type: 'condition' as const, field: 'status', operator: 'eq' as const, value: 'Inactive' },
				{
					type: 'and' as const,
					children: [
						{ type: 'condition' as const, field: 'city', operator: 'eq' as const, value: 'Boston' },
						{
							type: 'condition' as const,
							field: 'age',
							operator: 'is_empty' as const,
							negate: true
						}
					]
				}
			]
		};
		expect(await names({ filter, sort: [{ field: 'name', direction: 'asc' }] })).toEqual([
			'Alan',
			'Barbara',
			'Linus'
		]);
	});

	it('sorts by several fields with nulls placed as asked', async () => {
		expect(
			await names({
				sort: [
					{ field: 'age', direction: 'desc' },
					{ field: 'name', direction: 'desc' }
				]
			})
		).toEqual(['Margaret', 'Grace', 'Alan', 'Barbara', 'Ada', 'Linus']);
		expect(
			await names({
				sort: [
					{ field: 'age', direction: 'desc', nulls: 'last' },
					{ field: 'name', direction: 'asc' }
				]
			})
		).toEqual(['Grace', 'Alan', 'Ada', 'Barbara', 'Linus', 'Margaret']);
		expect(
			await names({
				sort: [
					{ field: 'city', direction: 'asc' },
					{ field: 'name', direction: 'asc' }
				]
			})
		).toEqual(['Barbara', 'Margaret', 'Linus', 'Ada', 'Grace', 'Alan']);
	});

	it('walks keyset pages without gaps or repeats, across the null boundary', async () => {
		for (const sort of [
			[{ field: 'age', direction: 'asc' as const }],
			[{ field: 'age', direction: 'desc' as const }],
			[
				{ field: 'city', direction: 'asc' as const, nulls: 'first' as const },
				{ field: 'name', direction: 'desc' as const }
			],
			[]
		]) {
			const all = await names({ sort, limit: 100 });
			const paged: unknown[] = [];
			let after: string | undefined;
			for (let page = 0; page < 10; page++) {
				const result = await query({ sort, limit: 2, after });
				paged.push(...result.records.map((record) => record.name));
				after = result.nextCursor;
				if (!after) break;
			}
			expect(paged, JSON.stringify(sort)).toEqual(all);
		}
	});

	it('lists records in the order they were added when no sort is set, in pages too', async () => {
		// Unsorted lists came back in the order of their random ids, so a record just added
		// showed up anywhere in the grid, although the sort panel says "the order they were added".
		expect(await names({ limit: 100 })).toEqual(people.map((person) => person.name));
		const paged: unknown[] = [];
		let after: string | undefined;
		do {
			const result = await query({ limit: 4, after });
			paged.push(...result.records.map((record) => record.name));
			after = result.nextCursor;
		} while (after);
		expect(paged).toEqual(people.map((person) => person.name));
	});

	it('searches text fields and counts matches', async () => {
		const result = await query(
			{ search: 'bost', sort: [{ field: 'name', direction: 'asc' }] },
			true
		);
		expect(result.records.map((record) => record.name)).toEqual(['Barbara', 'Margaret']);
		expect(result.total).toBe(2);
		const counted = await query(
			{ filter: { type: 'condition', field: 'status', operator: 'eq', value: 'Active' }, limit: 1 },
			true
		);
		expect(counted.total).toBe(3);
		expect(counted.records).toHaveLength(1);
	});

	it('selects fields and gives computed ones', async () => {
		const result = await query({
			select: ['name', 'number'],
			sort: [{ field: 'number', direction: 'asc' }],
			limit: 2
		});
		expect(result.records).toEqual([
			{ id: expect.any(String), type: 'people', name: 'Ada', number: 1 },
			{ id: expect.any(String), type: 'people', name: 'Grace', number: 2 }
		]);
	});

	it('rejects bad queries with a named field', async () => {
		await expect(
			query({ filter: { type: 'condition', field: 'nope', operator: 'eq', value: 'x' } })
		).rejects.toMatchObject({ code: 'UNKNOWN_ATTRIBUTE', field: 'nope' });
		await expect(
			query({ filter: { type: 'condition', field: 'age', operator: 'gt', value: 'abc' } })
		).rejects.toMatchObject({ code: 'INVALID_FILTER', field: 'age' });
		await expect(query({ limit: 5000 })).rejects.toMatchObject({
			code: 'LIMIT_EXCEEDED',
			field: 'limit'
		});
		await expect(query({ after: 'garbage' })).rejects.toMatchObject({
			code: 'INVALID_FILTER',
			field: 'cursor'
		});
		const forged = Buffer.from(
			JSON.stringify([['not a number'], '00000000-0000-4000-8000-000000000000'])
		).toString('base64url');
		await expect(
			query({ sort: [{ field: 'age', direction: 'asc' }], after: forged })
		).rejects.toMatchObject({ code: 'INVALID_FILTER', field: 'cursor' });
		await expect(query({ select: ['name', 'secret'] })).rejects.toMatchObject({
			code: 'UNKNOWN_ATTRIBUTE',
			field: 'secret'
		});
	});

	it('treats SQL-injection strings as plain values', async () => {
		const injection = "'; drop table eav_values; --";
		expect(
			await names({
				filter: { type: 'condition', field: 'name', operator: 'eq', value: injection }
			})
		).toEqual([]);
		expect(await names({ search: injection })).toEqual([]);
		const created = await createRecords({
			context,
			actor: owner.actor,
			space: space.slug,
			type: 'people',
			values: [{ name: injection }]
		});
		expect(
			(await getRecord({ context, actor: owner.actor, id: created.created[0]!.id })).name
		).toBe(injection);
		await deleteRecords({
			context,
			actor: owner.actor,
			space: space.slug,
			type: 'people',
			ids: [created.created[0]!.id]
		});
		await expect(
			queryRecords({
				context,
				actor: owner.actor,
				space: "x' or 1=1 --",
				type: 'people',
				query: {}
			})
		).rejects.toMatchObject({ code: 'NOT_FOUND' });
		await expect(
			queryRecords({
				context,
				actor: owner.actor,
				space: space.slug,
				type: "people' --",
				query: {}
			})
		).rejects.toMatchObject({ code: 'NOT_FOUND' });
	});
});

describe('writes', () => {
	it('leaves the database unchanged when any value in a bulk write is bad', async () => {
		const before = [await valueCount(), await auditCount()];
		const bad = [
			{
				values: [{ name: 'Ok' }, { name: 'Bad', age: 'abc' }],
				code: 'INVALID_VALUE',
				field: 'age'
			},
			{
				values: [{ name: 'Ok', unknown_field: 1 }],
				code: 'UNKNOWN_ATTRIBUTE',
				field: 'unknown_field'
			},
			{ values: [{ name: 'Ok', status: 'Sleeping' }], code: 'INVALID_VALUE', field: 'status' },
			{ values: [{ name: 'x'.repeat(20_000) }], code: 'INVALID_VALUE', field: 'name' },
			{ values: [{ age: 3 }], code: 'INVALID_VALUE', field: 'name' },
			{
				values: [
					{ name: 'A', email: 'same@example.com' },
					{ name: 'B', email: 'same@example.com' }
				],
				code: 'INVALID_VALUE',
				field: 'email'
			},
			{ values: [{ name: 'A', number: 7 }], code: 'INVALID_VALUE', field: 'number' }
		];
		for (const { values, code, field } of bad) {
			const error = await createRecords({
				context,
				actor: owner.actor,
				space: space.slug,
				type: 'people',
				values
			}).catch((e) => e);
			expect(error, JSON.stringify(values).slice(0, 80)).toMatchObject({ code, field });
			expect(error.message.toLowerCase()).toContain(field.replace('_', ' ').split(' ')[0]);
		}
		expect([await valueCount(), await auditCount()]).toEqual(before);
	});

	it('updates, audits old and new values, and enforces unique', async () => {
		const [first] = (await query({ sort: [{ field: 'name', direction: 'asc' }], limit: 1 }))
			.records;
		const result = await updateRecords({
			context,
			actor: owner.actor,
			space: space.slug,
			type: 'people',
			updates: [{ id: first!.id, values: { age: 37, email: 'ada@example.com' } }]
		});
		expect(result.updated[0]).toMatchObject({ name: 'Ada', age: 37, email: 'ada@example.com' });
		expect(result.changes).toEqual([
			expect.objectContaining({
				entityId: first!.id,
				action: 'update',
				values: { age: 37, email: 'ada@example.com' }
			})
		]);
		const audit = await withActor(
			context.db.runtime,
			owner.actor,
			async (tx) =>
				(
					await tx.query(
						"select old_value, new_value, via from audit_log where entity_id = $1 and attribute_key = 'age'",
						[first!.id]
					)
				).rows
		);
		expect(audit).toEqual([{ old_value: 36, new_value: 37, via: 'api' }]);
		await expect(
			createRecords({
				context,
				actor: owner.actor,
				space: space.slug,
				type: 'people',
				values: [{ name: 'Copy', email: 'ada@example.com' }]
			})
		).rejects.toMatchObject({ code: 'CONFLICT', field: 'email' });
		await expect(
			updateRecords({
				context,
				actor: owner.actor,
				space: space.slug,
				type: 'people',
				updates: [{ id: '00000000-0000-4000-8000-000000000000', values: { age: 1 } }]
			})
		).rejects.toMatchObject({ code: 'NOT_FOUND', field: 'id' });
	});

	it('patches and deletes by filter', async () => {
		const created = await createRecords({
			context,
			actor: owner.actor,
			space: space.slug,
			type: 'people',
			values: [
				{ name: 'Temp 1', city: 'Nowhere' },
				{ name: 'Temp 2', city: 'Nowhere' }
			]
		});
		const patched = await writeWhere({
			context,
			actor: owner.actor,
			space: space.slug,
			type: 'people',
			filter: { type: 'condition', field: 'city', operator: 'eq', value: 'Nowhere' },
			values: { age: 99 }
		});
		expect(patched.updated.map((record) => record.age)).toEqual([99, 99]);
		const removed = await writeWhere({
			context,
			actor: owner.actor,
			space: space.slug,
			type: 'people',
			filter: { type: 'condition', field: 'city', operator: 'eq', value: 'Nowhere' },
			isDelete: true
		});
		expect(removed.deleted.map((record) => record.id).sort()).toEqual(
			created.created.map((record) => record.id).sort()
		);
		expect(
			await names({
				filter: { type: 'condition', field: 'city', operator: 'eq', value: 'Nowhere' }
			})
		).toEqual([]);
	});
});

describe('schema changes', () => {
	it('keeps relations in both directions', async () => {
		const actor = owner.actor;
		await createEntityType({
			context,
			actor,
			space: space.slug,
			input: { name: 'Teams', key: 'teams' }
		});
		await addAttribute({
			context,
			actor,
			space: space.slug,
			type: 'teams',
			input: { name: 'Name', kind: 'text' }
		});
		const types = await withActor(
			context.db.runtime,
			actor,
			async (tx) =>
				(await tx.query('select id, key from entity_types where space_id = $1', [space.id])).rows
		);
		const people = types.find((type) => type.key === 'people')!;
		await addAttribute({
			context,
			actor,
			space: space.slug,
			type: 'teams',
			input: {
				name: 'Members',
				kind: 'relation',
				options: { targetEntityTypeId: people.id },
				inverseName: 'Team'
			}
		});
		const [ada, grace] = (
			await query({
				sort: [{ field: 'name', direction: 'asc' }],
				filter: { type: 'condition', field: 'name', operator: 'in', value: ['Ada', 'Grace'] }
			})
		).records;
		const team = (
			await createRecords({
				context,
				actor,
				space: space.slug,
				type: 'teams',
				values: [{ name: 'Pioneers', members: [ada!.id, grace!.id] }]
			})
		).created[0]!;
		expect((await getRecord({ context, actor, id: ada!.id })).team).toEqual([team.id]);
		await updateRecords({
			context,
			actor,
			space: space.slug,
			type: 'teams',
			updates: [{ id: team.id, values: { members: [grace!.id] } }]
		});
		expect((await getRecord({ context, actor, id: ada!.id })).team).toEqual([]);
		expect((await getRecord({ context, actor, id: grace!.id })).team).toEqual([team.id]);
		await expect(
			updateRecords({
				context,
				actor,
				space: space.slug,
				type: 'teams',
				updates: [{ id: team.id, values: { members: [team.id] } }]
			})
		).rejects.toMatchObject({ code: 'INVALID_VALUE', field: 'members' });
	});

	it('converts a field kind, keeping and reporting what does not convert', async () => {
		const actor = owner.actor;
		await addAttribute({
			context,
			actor,
			space: space.slug,
			type: 'people',
			input: { name: 'Score', kind: 'text' }
		});
		const records = (await query({ sort: [{ field: 'name', direction: 'asc' }], limit: 3 }))
			.records;
		await updateRecords({
			context,
			actor,
			space: space.slug,
			type: 'people',
			updates: [
				{ id: records[0]!.id, values: { score: '12' } },
				{ id: records[1]!.id, values: { score: 'n/a' } },
				{ id: records[2]!.id, values: { score: '7.5' } }
			]
		});
		const preview = await changeAttributeKind({
			context,
			actor,
			space: space.slug,
			type: 'people',
			attribute: 'score',
			input: { kind: 'number' },
			isPreview: true
		});
		expect(preview).toMatchObject({
			total: 3,
			converted: 2,
			failures: [{ id: records[1]!.id, value: 'n/a' }]
		});
		expect((await getRecord({ context, actor, id: records[0]!.id })).score).toBe('12');
		await changeAttributeKind({
			context,
			actor,
			space: space.slug,
			type: 'people',
			attribute: 'score',
			input: { kind: 'number' }
		});
		expect((await getRecord({ context, actor, id: records[0]!.id })).score).toBe(12);
		expect((await getRecord({ context, actor, id: records[1]!.id })).score).toBe(null);
		// Changing back restores the value that could not be a number.
		await changeAttributeKind({
			context,
			actor,
			space: space.slug,
			type: 'people',
			attribute: 'score',
			input: { kind: 'text' }
		});
		expect((await getRecord({ context, actor, id: records[1]!.id })).score).toBe('n/a');
		expect((await getRecord({ context, actor, id: records[0]!.id })).score).toBe('12');
	});

	it('keeps a relation paired with the inverse the server chose', async () => {
		const actor = owner.actor;
		const optionsOf = () =>
			withActor(
				context.db.runtime,
				actor,
				async (tx) =>
					(
						await tx.query(
							"select options from attributes where key = 'members' and space_id = $1",
							[space.id]
						)
					).rows[0].options
			);
		const before = await optionsOf();
		await updateAttribute({
			context,
			actor,
			space: space.slug,
			type: 'teams',
			attribute: 'members',
			input: {
				options: {
					inverseAttributeId: '00000000-0000-4000-8000-000000000000',
					targetEntityTypeId: '00000000-0000-4000-8000-000000000001'
				}
			}
		});
		const after = await optionsOf();
		expect(after.inverseAttributeId).toBe(before.inverseAttributeId);
		expect(after.targetEntityTypeId).toBe(before.targetEntityTypeId);
	});

	it('reads a checkbox that was never set as unchecked', async () => {
		await addAttribute({
			context,
			actor: owner.actor,
			space: space.slug,
			type: 'people',
			input: { name: 'Vip', kind: 'checkbox' }
		});
		const [first] = (await query({ sort: [{ field: 'name', direction: 'asc' }], limit: 1 }))
			.records;
		expect(first!.vip).toBe(false);
	});

	it('refuses to make a field required while records lack it', async () => {
		await expect(
			updateAttribute({
				context,
				actor: owner.actor,
				space: space.slug,
				type: 'people',
				attribute: 'city',
				input: { isRequired: true }
			})
		).rejects.toMatchObject({ field: 'isRequired' });
	});
});
