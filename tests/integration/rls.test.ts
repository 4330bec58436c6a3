// Tenant isolation lives in the database. These tests connect as the runtime role and show what
// raw SQL can reach, so a bug in the app layer could not leak more than they allow.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '$lib/server/context';
import { withActor, withAnonymous } from '$lib/server/db';
import { addAttribute } from '$lib/server/services/attributes';
import { createEntityType } from '$lib/server/services/entity-types';
import { createRecords, updateRecords, queryRecords } from '$lib/server/services/records';
import {
	addMember,
	bootTestApp,
	createSpace,
	createUser,
	runtimeClient,
	stopTestApp,
	type TestUser
} from '../support/app';

let context: AppContext;
let alice: TestUser;
let bob: TestUser;
let viewer: TestUser;
let doorman: TestUser;
let spaceA: { id: string; slug: string };
let spaceB: { id: string; slug: string };
let attendeeId: string;

beforeAll(async () => {
	context = await bootTestApp();
	alice = await createUser(context, 'Alice');
	bob = await createUser(context, 'Bob');
	viewer = await createUser(context, 'Vera Viewer');
	doorman = await createUser(context, 'Door Staff');
	spaceA = await createSpace(context, alice, 'Alice Festival');
	spaceB = await createSpace(context, bob, 'Bob Conference');
	await addMember(context, alice, spaceA.id, viewer, 'viewer');
	await addMember(context, alice, spaceA.id, doorman, 'checkin');

	for (const [user, space] of [
		[alice, spaceA],
		[bob, spaceB]
	] as const) {
		await createEntityType({
			context,
			actor: user.actor,
			space: space.slug,
			input: { name: 'Attendees', key: 'attendees' }
		});
		for (const field of [
			{ name: 'Name', key: 'name', kind: 'text', checkinAccess: 'read' },
			{ name: 'Email', key: 'email', kind: 'email', checkinAccess: 'read' },
			{ name: 'Notes', key: 'notes', kind: 'long_text' },
			{ name: 'Checked in', key: 'checked_in', kind: 'checkbox', checkinAccess: 'write' }
		]) {
			await addAttribute({
				context,
				actor: user.actor,
				space: space.slug,
				type: 'attendees',
				input: field
			});
		}
	}
	const created = await createRecords({
		context,
		actor: alice.actor,
		space: spaceA.slug,
		type: 'attendees',
		values: [
			{
				name: 'Ada Lovelace',
				email: 'ada@example.com',
				notes: 'VIP, allergic to nuts',
				checked_in: false
			}
		]
	});
	attendeeId = created.created[0]!.id;
	await createRecords({
		context,
		actor: bob.actor,
		space: spaceB.slug,
		type: 'attendees',
		values: [{ name: 'Bob Secret', email: 'secret@example.com', notes: 'confidential' }]
	});
});

afterAll(() => stopTestApp());

async function rawAs<T extends pg.QueryResultRow>(
	userId: string | null,
	sql: string,
	params: unknown[] = []
) {
	const client = await runtimeClient(context);
	try {
		await client.query('begin');
		if (userId) await client.query("select set_config('app.current_user_id', $1, true)", [userId]);
		const result = await client.query<T>(sql, params);
		await client.query('commit');
		return result.rows;
	} finally {
		await client.end();
	}
}

describe('the runtime role', () => {
	it('is no superuser, has no BYPASSRLS and owns no table', async () => {
		const [role] = await rawAs<{ rolsuper: boolean; rolbypassrls: boolean; owned: number }>(
			null,
			`select r.rolsuper, r.rolbypassrls,
			        (select count(*)::int from pg_tables t where t.tableowner = current_user) as owned
			   from pg_roles r where r.rolname = current_user`
		);
		expect(role).toEqual({ rolsuper: false, rolbypassrls: false, owned: 0 });
	});

	it('sees every tenant table with row level security enabled and forced', async () => {
		const rows = await rawAs<{
			relname: string;
			relrowsecurity: boolean;
			relforcerowsecurity: boolean;
		}>(
			null,
			`select c.relname, c.relrowsecurity, c.relforcerowsecurity from pg_class c
			   join pg_attribute a on a.attrelid = c.oid and a.attname = 'space_id'
			  where c.relkind = 'r' and c.relnamespace = 'public'::regnamespace`
		);
		expect(rows.length).toBeGreaterThanOrEqual(9);
		for (const row of rows)
			expect(row, row.relname).toMatchObject({ relrowsecurity: true, relforcerowsecurity: true });
	});
});

describe('isolation between spaces', () => {
	it("gives user A nothing of B's space, even with a raw select *", async () => {
		const values = await rawAs<{ space_id: string; value_text: string | null }>(
			alice.id,
			'select * from eav_values'
		);
		expect(values.length).toBeGreaterThan(0);
		expect(values.every((row) => row.space_id === spaceA.id)).toBe(true);
		expect(values.some((row) => row.value_text === 'Bob Secret')).toBe(false);
		for (const table of [
			'entities',
			'entity_types',
			'attributes',
			'audit_log',
			'memberships',
			'spaces'
		]) {
			const rows = await rawAs<{ space_id?: string; id?: string }>(
				alice.id,
				`select * from ${table}`
			);
			const foreign = rows.filter((row) => (row.space_id ?? row.id) === spaceB.id);
			expect(foreign, table).toEqual([]);
		}
	});

	it('treats a forged space id as not found', async () => {
		await expect(
			queryRecords({ context, actor: alice.actor, space: spaceB.id, type: 'attendees', query: {} })
		).rejects.toMatchObject({ code: 'NOT_FOUND', field: 'space' });
	});

	it('cannot write into another space with raw SQL', async () => {
		const [type] = await rawAs<{ id: string }>(
			bob.id,
			"select id from entity_types where key = 'attendees'"
		);
		await expect(
			rawAs(alice.id, 'insert into entities (space_id, entity_type_id, seq) values ($1, $2, 99)', [
				spaceB.id,
				type!.id
			])
		).rejects.toThrow(/row-level security/);
	});

	it('shows a connection with no app.current_user_id nothing', async () => {
		for (const table of [
			'eav_values',
			'entities',
			'entity_types',
			'attributes',
			'spaces',
			'memberships',
			'audit_log',
			'api_tokens'
		]) {
			const rows = await rawAs(null, `select * from ${table}`);
			expect(rows, table).toEqual([]);
		}
		expect(await rawAs(null, 'select id, email, name from users')).toEqual([]);
		const anonymous = await withAnonymous(context.db.runtime, (tx) =>
			tx.query('select count(*)::int as n from eav_values')
		);
		expect(anonymous.rows[0].n).toBe(0);
	});
});

describe('roles', () => {
	it('lets a viewer read but not write, in the service and in SQL', async () => {
		const page = await queryRecords({
			context,
			actor: viewer.actor,
			space: spaceA.slug,
			type: 'attendees',
			query: {}
		});
		expect(page.records.map((record) => record.name)).toEqual(['Ada Lovelace']);
		await expect(
			updateRecords({
				context,
				actor: viewer.actor,
				space: spaceA.slug,
				type: 'attendees',
				updates: [{ id: attendeeId, values: { name: 'Hacked' } }]
			})
		).rejects.toMatchObject({ code: 'FORBIDDEN' });
		const changed = await rawAs(
			viewer.id,
			`update eav_values set value_text = 'Hacked' where entity_id = $1 returning 1`,
			[attendeeId]
		);
		expect(changed).toEqual([]);
		await expect(
			rawAs(viewer.id, 'insert into entity_types (space_id, key, name) values ($1, $2, $3)', [
				spaceA.id,
				'x',
				'X'
			])
		).rejects.toThrow(/row-level security/);
	});

	it('lets a check-in member read only the check-in fields and write only check-in fields', async () => {
		const attributes = await rawAs<{ key: string }>(
			doorman.id,
			'select key from attributes order by key'
		);
		expect(attributes.map((row) => row.key)).toEqual(['checked_in', 'email', 'name']);
		const values = await rawAs<{ value_text: string | null }>(
			doorman.id,
			'select * from eav_values'
		);
		expect(values.some((row) => row.value_text === 'VIP, allergic to nuts')).toBe(false);

		const page = await queryRecords({
			context,
			actor: doorman.actor,
			space: spaceA.slug,
			type: 'attendees',
			query: {}
		});
		expect(page.records[0]).toMatchObject({
			name: 'Ada Lovelace',
			email: 'ada@example.com',
			checked_in: false
		});
		expect(page.records[0]).not.toHaveProperty('notes');

		const result = await updateRecords({
			context,
			actor: doorman.actor,
			space: spaceA.slug,
			type: 'attendees',
			updates: [{ id: attendeeId, values: { checked_in: true } }]
		});
		expect(result.updated[0]).toMatchObject({ checked_in: true });

		await expect(
			updateRecords({
				context,
				actor: doorman.actor,
				space: spaceA.slug,
				type: 'attendees',
				updates: [{ id: attendeeId, values: { name: 'Renamed' } }]
			})
		).rejects.toMatchObject({ code: 'FORBIDDEN', field: 'name' });
		const [nameAttribute] = await rawAs<{ id: string }>(
			alice.id,
			"select id from attributes where key = 'name' and space_id = $1",
			[spaceA.id]
		);
		const sneaky = await rawAs(
			doorman.id,
			`update eav_values set value_text = 'Renamed' where attribute_id = $1 returning 1`,
			[nameAttribute!.id]
		);
		expect(sneaky).toEqual([]);
		await expect(
			createRecords({
				context,
				actor: doorman.actor,
				space: spaceA.slug,
				type: 'attendees',
				values: [{ checked_in: true }]
			})
		).rejects.toMatchObject({ code: 'FORBIDDEN' });
	});

	it('records who changed what in the audit log, append-only', async () => {
		const entries = await withActor(context.db.runtime, alice.actor, (tx) =>
			tx.query(
				"select actor_id, action, old_value, new_value from audit_log where entity_id = $1 and attribute_key = 'checked_in'",
				[attendeeId]
			)
		);
		expect(entries.rows).toEqual([
			{ actor_id: doorman.id, action: 'update', old_value: false, new_value: true }
		]);
		// Even an owner cannot erase history: the runtime role holds no DELETE or UPDATE grant.
		await expect(rawAs(alice.id, 'delete from audit_log')).rejects.toThrow(/permission denied/);
		await expect(rawAs(alice.id, "update audit_log set via = 'x'")).rejects.toThrow(
			/permission denied/
		);
	});
});

describe('rows stay tied to their space', () => {
	it("refuses a check-in member moving or renumbering a record, and forging another space's audit", async () => {
		await expect(
			rawAs(doorman.id, 'update entities set space_id = $2 where id = $1', [attendeeId, spaceB.id])
		).rejects.toThrow();
		await expect(
			rawAs(doorman.id, 'update entities set seq = 999 where id = $1', [attendeeId])
		).rejects.toThrow(/cannot change/);
		const [checkedIn] = await rawAs<{ id: string }>(
			alice.id,
			"select id from attributes where key = 'checked_in' and space_id = $1",
			[spaceA.id]
		);
		await expect(
			rawAs(
				doorman.id,
				`insert into audit_log (space_id, attribute_id, actor_id, via, action) values ($1, $2, $3, 'checkin', 'update')`,
				[spaceB.id, checkedIn!.id, doorman.id]
			)
		).rejects.toThrow();
	});

	it("refuses an owner of one space attaching fields or documents to another space's rows", async () => {
		const [bobType] = await rawAs<{ id: string }>(
			bob.id,
			"select id from entity_types where key = 'attendees'"
		);
		const [bobRecord] = await rawAs<{ id: string }>(bob.id, 'select id from entities limit 1');
		await expect(
			rawAs(
				alice.id,
				`insert into attributes (space_id, entity_type_id, key, name, kind) values ($1, $2, 'squat', 'Squat', 'text')`,
				[spaceA.id, bobType!.id]
			)
		).rejects.toThrow();
		await expect(
			rawAs(
				alice.id,
				`insert into record_docs (entity_id, space_id, state) values ($1, $2, '\\x00')`,
				[bobRecord!.id, spaceA.id]
			)
		).rejects.toThrow();
	});

	it('never hands a password hash to the runtime role, not even its own user hash', async () => {
		await expect(
			rawAs(alice.id, 'select * from app_credentials($1)', [alice.email])
		).rejects.toThrow(/permission denied/);
		await expect(rawAs(null, 'select password_hash from users')).rejects.toThrow(
			/permission denied/
		);
		// The sign-in role that may read hashes sees no table at all.
		await expect(context.db.credentials.query('select id from users')).rejects.toThrow(
			/permission denied/
		);
		await expect(context.db.credentials.query('select id from spaces')).rejects.toThrow(
			/permission denied/
		);
	});

	it('keeps password hashes out of reach of co-members', async () => {
		await expect(rawAs(alice.id, 'select password_hash from users')).rejects.toThrow(
			/permission denied/
		);
		const names = await rawAs<{ name: string }>(alice.id, 'select name from users order by name');
		expect(names.map((row) => row.name)).toEqual(['Alice', 'Door Staff', 'Vera Viewer']);
	});
});

describe('joining a space', () => {
	it('needs the user: an owner cannot insert a membership for someone, nor see their email', async () => {
		const outsider = await createUser(context, 'Olga Outsider');
		await expect(
			rawAs(
				alice.id,
				`insert into memberships (space_id, user_id, role) values ($1, $2, 'viewer')`,
				[spaceA.id, outsider.id]
			)
		).rejects.toThrow(/row-level security|permission denied/);
		const seen = await rawAs(alice.id, 'select email from users where id = $1', [outsider.id]);
		expect(seen).toEqual([]);
	});

	it('keeps a membership on its user and space: an owner may change only its role', async () => {
		const outsider = await createUser(context, 'Moved Member');
		await expect(
			rawAs(alice.id, 'update memberships set user_id = $3 where space_id = $1 and user_id = $2', [
				spaceA.id,
				viewer.id,
				outsider.id
			])
		).rejects.toThrow(/permission denied/);
		const seen = await rawAs(alice.id, 'select email from users where id = $1', [outsider.id]);
		expect(seen).toEqual([]);
		const [changed] = await rawAs<{ role: string }>(
			alice.id,
			`update memberships set role = 'editor' where space_id = $1 and user_id = $2 returning role`,
			[spaceA.id, viewer.id]
		);
		expect(changed).toEqual({ role: 'editor' });
		await rawAs(
			alice.id,
			`update memberships set role = 'viewer' where space_id = $1 and user_id = $2`,
			[spaceA.id, viewer.id]
		);
	});

	it('shows an invited user who has not accepted nothing more than the email the owner typed', async () => {
		const invitee = await createUser(context, 'Ines Invitee');
		await rawAs(alice.id, `select app_invite($1, $2, 'viewer', $3)`, [
			spaceA.id,
			invitee.email,
			`hash-${Date.now()}`
		]);
		const seen = await rawAs(alice.id, 'select id, name from users where id = $1', [invitee.id]);
		expect(seen).toEqual([]);
	});
});

describe('API token sessions', () => {
	async function asToken<T extends pg.QueryResultRow>(
		userId: string,
		spaceId: string,
		role: string,
		sql: string,
		params: unknown[] = []
	) {
		const client = await runtimeClient(context);
		try {
			await client.query('begin');
			await client.query(
				"select set_config('app.current_user_id', $1, true), set_config('app.token_space', $2, true), set_config('app.token_role', $3, true)",
				[userId, spaceId, role]
			);
			const result = await client.query<T>(sql, params);
			await client.query('commit');
			return result.rows;
		} finally {
			await client.end();
		}
	}

	it('cannot raise a token role or change the account', async () => {
		await rawAs(
			alice.id,
			`insert into api_tokens (space_id, user_id, name, token_hash, role) values ($1, $2, 'ro', $3, 'viewer')`,
			[spaceA.id, alice.id, `hash-${Date.now()}`]
		);
		const raised = await asToken(
			alice.id,
			spaceA.id,
			'viewer',
			"update api_tokens set role = 'owner' returning id"
		);
		expect(raised).toEqual([]);
		const renamed = await asToken(
			alice.id,
			spaceA.id,
			'viewer',
			"update users set name = 'Mallory' returning id"
		);
		expect(renamed).toEqual([]);
		const [role] = await asToken<{ role: string }>(
			alice.id,
			spaceA.id,
			'viewer',
			'select role from app_memberships()'
		);
		expect(role).toEqual({ role: 'viewer' });
	});
});
