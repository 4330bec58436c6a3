// The check-in desk against a real Postgres: fields found by their check-in access (not by key),
// one count per scan nonce, one winner when two devices scan a guest at once, unknown tickets,
// undo rules, counts per gate, what the check-in role can read, and a desk's pace under the
// default write limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '$lib/domain/errors';
import type { AppContext } from '$lib/server/context';
import { withActor } from '$lib/server/db';
import { createMemoryRateLimiter } from '$lib/server/adapters/redis';
import { addAttribute } from '$lib/server/services/attributes';
import {
	checkIn,
	countCheckins,
	listAttendees,
	readCheckinSetup,
	undoCheckIn
} from '$lib/server/services/checkin';
import type { ScanOutcome } from '$lib/domain/checkin';
import { createEntityType } from '$lib/server/services/entity-types';
import {
	createRecords,
	getRecord,
	queryRecords,
	updateRecords
} from '$lib/server/services/records';
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
let owner: TestUser;
let editor: TestUser;
let viewer: TestUser;
let door: TestUser;
let door2: TestUser;
let space: { id: string; slug: string };
const ids = new Map<string, string>();

const choices = (names: string[]) =>
	names.map((name, index) => ({ id: `c${index}`, name, color: 'gray' }));

const guests = [
	{
		full_name: 'Ada Lovelace',
		mail: 'ada@example.test',
		barcode: 'GX-1001',
		pass: 'VIP',
		entrance: 'East'
	},
	{
		full_name: 'Grace Hopper',
		mail: 'grace@example.test',
		barcode: 'GX-1002',
		pass: 'Day',
		entrance: 'East'
	},
	{
		full_name: 'Alan Turing',
		mail: 'alan@example.test',
		barcode: 'GX-1003',
		pass: 'Day',
		entrance: 'West'
	},
	{
		full_name: 'Edsger Dijkstra',
		mail: 'ed@example.test',
		barcode: 'GX-1004',
		pass: 'Day',
		entrance: 'West'
	},
	{
		full_name: 'Barbara Liskov',
		mail: 'barbara@example.test',
		barcode: 'GX-1005',
		pass: 'VIP',
		entrance: 'West'
	},
	{
		full_name: 'Ken Thompson',
		mail: 'ken@example.test',
		barcode: 'GX-1006',
		pass: 'Day',
		entrance: null
	}
];

const nonce = (() => {
	let next = 0;
	return (label = 'scan') => `${label}-${Date.now()}-${(next += 1)}`;
})();

async function expectAppError(promise: Promise<unknown>, code: string, field?: string) {
	const error = await promise.then(
		() => undefined,
		(failure: unknown) => failure
	);
	expect(isAppError(error), `expected an AppError ${code}, got ${String(error)}`).toBe(true);
	expect((error as { code: string }).code).toBe(code);
	if (field) expect((error as { field?: string }).field).toBe(field);
	return error as Error;
}

beforeAll(async () => {
	context = await bootTestApp();
	owner = await createUser(context, 'Olga Owner');
	editor = await createUser(context, 'Ed Editor');
	viewer = await createUser(context, 'Vi Viewer');
	door = await createUser(context, 'Dana Door');
	door2 = await createUser(context, 'Dev Door Two');
	space = await createSpace(context, owner, 'Check-in Fest');
	await addMember(context, owner, space.id, editor, 'editor');
	await addMember(context, owner, space.id, viewer, 'viewer');
	await addMember(context, owner, space.id, door, 'checkin');
	await addMember(context, owner, space.id, door2, 'checkin');

	const actor = owner.actor;
	// A type before the guests, with a checkbox nobody at the door may write: not the desk's.
	await createEntityType({
		context,
		actor,
		space: space.slug,
		input: { name: 'Tasks', key: 'tasks' }
	});
	await addAttribute({
		context,
		actor,
		space: space.slug,
		type: 'tasks',
		input: { name: 'Done', key: 'done', kind: 'checkbox' }
	});
	// Keys unlike the demo's, so the desk must find its fields by check-in access and kind.
	await createEntityType({
		context,
		actor,
		space: space.slug,
		input: { name: 'Guests', key: 'guests' }
	});
	for (const input of [
		{ name: 'Full name', key: 'full_name', kind: 'text', isRequired: true, checkinAccess: 'read' },
		{ name: 'Mail', key: 'mail', kind: 'email', checkinAccess: 'read' },
		{ name: 'Barcode', key: 'barcode', kind: 'text', isUnique: true, checkinAccess: 'read' },
		{
			name: 'Pass',
			key: 'pass',
			kind: 'single_select',
			options: { choices: choices(['Day', 'VIP']) },
			checkinAccess: 'read'
		},
		{
			name: 'Entrance',
			key: 'entrance',
			kind: 'single_select',
			options: { choices: choices(['East', 'West']) },
			checkinAccess: 'read'
		},
		{ name: 'Arrived', key: 'arrived', kind: 'checkbox', checkinAccess: 'write' },
		{ name: 'Arrived at', key: 'arrived_at', kind: 'datetime', checkinAccess: 'write' },
		{ name: 'Let in by', key: 'let_in_by', kind: 'user', checkinAccess: 'write' },
		{ name: 'Medical notes', key: 'medical', kind: 'text' }
	]) {
		await addAttribute({ context, actor, space: space.slug, type: 'guests', input });
	}
	const { created } = await createRecords({
		context,
		actor,
		space: space.slug,
		type: 'guests',
		values: guests.map((guest) => ({ ...guest, medical: `private note on ${guest.full_name}` }))
	});
	for (const record of created) ids.set(record.barcode as string, record.id);
}, 120_000);

afterAll(async () => {
	await stopTestApp();
});

const scan = (user: TestUser, input: Record<string, unknown>) =>
	checkIn({ context, actor: user.actor, space: space.slug, input });

describe('the desk’s fields', () => {
	it('are found by check-in access and kind, whatever their keys', async () => {
		const setup = await readCheckinSetup({ context, actor: door.actor, space: space.slug });
		expect(setup.type.key).toBe('guests');
		expect(
			Object.fromEntries(Object.entries(setup.fields).map(([role, field]) => [role, field?.key]))
		).toEqual({
			checkedIn: 'arrived',
			at: 'arrived_at',
			by: 'let_in_by',
			code: 'barcode',
			name: 'full_name',
			email: 'mail',
			gate: 'entrance',
			ticketType: 'pass'
		});
		expect(setup.gates).toEqual(['East', 'West']);
		expect(setup).toMatchObject({ canCheckIn: true, canUndoAny: false, me: { name: 'Dana Door' } });
		const forEditor = await readCheckinSetup({ context, actor: editor.actor, space: space.slug });
		expect(forEditor).toMatchObject({ canCheckIn: true, canUndoAny: true });
		const forViewer = await readCheckinSetup({ context, actor: viewer.actor, space: space.slug });
		expect(forViewer.canCheckIn).toBe(false);
	});
});

describe('checking in', () => {
	it('counts a re-sent scan (same nonce) once and answers it the same way', async () => {
		const id = ids.get('GX-1001')!;
		const first = nonce();
		const answer = await scan(door, { code: 'GX-1001', nonce: first, gate: 'East' });
		expect(answer).toMatchObject({
			status: 'checked_in',
			isReplay: false,
			attendee: { id, name: 'Ada Lovelace', code: 'GX-1001', ticketType: 'VIP', gate: 'East' },
			by: { id: door.id, name: 'Dana Door' }
		});
		const again = await scan(door, { code: 'GX-1001', nonce: first, gate: 'East' });
		expect(again).toMatchObject({ status: 'checked_in', isReplay: true, at: answer.at });

		// A new scan of the same guest is a second scan: "already", by whom and when.
		const second = await scan(door2, { id, nonce: nonce() });
		expect(second).toMatchObject({
			status: 'already',
			isReplay: false,
			at: answer.at,
			by: { id: door.id, name: 'Dana Door' }
		});

		// One write, one audit entry, two scans on record.
		const audit = await withActor(context.db.runtime, owner.actor, (tx) =>
			tx.query(
				`select via, actor_id from audit_log where entity_id = $1 and attribute_key = 'arrived'`,
				[id]
			)
		);
		expect(audit.rows).toEqual([{ via: 'checkin', actor_id: door.id }]);
		const scans = await withActor(context.db.runtime, owner.actor, (tx) =>
			tx.query(`select result, gate from checkin_scans where entity_id = $1 order by at`, [id])
		);
		expect(scans.rows).toEqual([
			{ result: 'checked_in', gate: 'East' },
			{ result: 'already', gate: null }
		]);
	});

	it('checks a guest in exactly once when two devices scan at the same moment', async () => {
		const id = ids.get('GX-1002')!;
		const answers = await Promise.all([
			scan(door, { code: 'GX-1002', nonce: nonce('a') }),
			scan(door2, { code: 'GX-1002', nonce: nonce('b') })
		]);
		const statuses = answers.map((answer) => answer.status).sort();
		expect(statuses).toEqual(['already', 'checked_in']);
		const winner = answers.find((answer) => answer.status === 'checked_in')!;
		const loser = answers.find((answer) => answer.status === 'already')!;
		// The second device learns who was first, and when.
		expect(loser.by).toEqual(winner.by);
		expect(loser.at).toBe(winner.at);
		const audit = await withActor(context.db.runtime, owner.actor, (tx) =>
			tx.query(`select 1 from audit_log where entity_id = $1 and attribute_key = 'arrived'`, [id])
		);
		expect(audit.rowCount).toBe(1);
	});

	it('answers a retry that races its own first attempt once, without a second count', async () => {
		const same = nonce('retry');
		const answers = await Promise.all([
			scan(door, { code: 'GX-1003', nonce: same }),
			scan(door, { code: 'GX-1003', nonce: same })
		]);
		expect(answers.map((answer: ScanOutcome) => answer.status)).toEqual([
			'checked_in',
			'checked_in'
		]);
		expect(answers.map((answer) => answer.isReplay).sort()).toEqual([false, true]);
	});

	it('refuses a nonce reused for another guest', async () => {
		const reused = nonce('reused');
		await scan(door, { code: 'GX-1004', nonce: reused });
		await expectAppError(scan(door, { code: 'GX-1005', nonce: reused }), 'CONFLICT', 'nonce');
		await undoCheckIn({
			context,
			actor: door.actor,
			space: space.slug,
			input: { id: ids.get('GX-1004'), nonce: nonce() }
		});
	});

	it('says an unknown ticket is unknown, naming the code; a code matches in any case', async () => {
		const error = await expectAppError(
			scan(door, { code: 'NOPE-404', nonce: nonce() }),
			'NOT_FOUND',
			'code'
		);
		expect(error.message).toContain('NOPE-404');
		expect((error as { details?: unknown }).details).toEqual({ status: 'unknown' });
		const lower = await scan(door, { code: 'gx-1006', nonce: nonce() });
		expect(lower).toMatchObject({ status: 'checked_in', attendee: { name: 'Ken Thompson' } });
		await undoCheckIn({
			context,
			actor: door.actor,
			space: space.slug,
			input: { id: lower.attendee.id, nonce: nonce() }
		});
	});

	it('keeps an offline scan’s own time, but not an implausible one', async () => {
		const scannedAt = new Date(Date.now() - 10 * 60_000).toISOString();
		const answer = await scan(door, { code: 'GX-1005', nonce: nonce(), scannedAt });
		expect(answer.at).toBe(scannedAt);
		await undoCheckIn({
			context,
			actor: door.actor,
			space: space.slug,
			input: { id: answer.attendee.id, nonce: nonce() }
		});
		const future = await scan(door, {
			code: 'GX-1005',
			nonce: nonce(),
			scannedAt: new Date(Date.now() + 3_600_000).toISOString()
		});
		expect(Date.parse(future.at!)).toBeLessThanOrEqual(Date.now());
		await undoCheckIn({
			context,
			actor: door.actor,
			space: space.slug,
			input: { id: future.attendee.id, nonce: nonce() }
		});
	});

	it('lets viewers look but not check in, and checks the input', async () => {
		await expectAppError(scan(viewer, { code: 'GX-1004', nonce: nonce() }), 'FORBIDDEN');
		await expectAppError(scan(door, { code: 'GX-1004', nonce: 'short' }), 'INVALID_INPUT', 'nonce');
		await expectAppError(scan(door, { nonce: nonce() }), 'INVALID_INPUT', 'code');
		await expectAppError(scan(door, { id: 'not-a-uuid', nonce: nonce() }), 'INVALID_INPUT', 'id');
	});
});

describe('undo', () => {
	const undo = (user: TestUser, id: string, undoNonce = nonce('undo')) =>
		undoCheckIn({ context, actor: user.actor, space: space.slug, input: { id, nonce: undoNonce } });

	it('clears the check-in for whoever made it, once per nonce', async () => {
		const id = ids.get('GX-1004')!;
		await scan(door, { id, nonce: nonce() });
		await expectAppError(undo(door2, id), 'FORBIDDEN', 'id');
		const undoNonce = nonce('undo');
		expect(await undo(door, id, undoNonce)).toMatchObject({ status: 'undone', isReplay: false });
		expect(await undo(door, id, undoNonce)).toMatchObject({ status: 'undone', isReplay: true });
		expect(await undo(door, id)).toMatchObject({ status: 'not_checked_in' });
		const record = await getRecord({ context, actor: door.actor, id });
		expect(record).toMatchObject({ arrived: false, arrived_at: null, let_in_by: null });
		// Checked in again after an undo: a fresh check-in.
		expect(await scan(door2, { id, nonce: nonce() })).toMatchObject({ status: 'checked_in' });
	});

	it('is refused to the check-in role after the window, and open to editors', async () => {
		const id = ids.get('GX-1004')!;
		// Only the owner connection may rewrite a scan's time: make door2's check-in an old one.
		await context.db.owner.query(
			`update checkin_scans set at = now() - interval '10 minutes' where entity_id = $1 and result = 'checked_in'`,
			[id]
		);
		await expectAppError(undo(door2, id), 'FORBIDDEN');
		expect(await undo(editor, id)).toMatchObject({ status: 'undone' });
	});
});

describe('what the check-in role sees', () => {
	it('lists attendees with the check-in fields only', async () => {
		const list = await listAttendees({ context, actor: door.actor, space: space.slug });
		expect(list.rows).toHaveLength(guests.length);
		expect(list.gates).toEqual(['East', 'West']);
		expect(list.ticketTypes).toEqual(['Day', 'VIP']);
		expect(list.eventId).toMatch(/^\d+-\d+$/);
		const ada = list.rows.find((row) => row[3] === 'GX-1001')!;
		expect(ada.slice(0, 7)).toEqual([
			ids.get('GX-1001'),
			'Ada Lovelace',
			'ada@example.test',
			'GX-1001',
			1,
			0,
			1
		]);
		expect(typeof ada[7]).toBe('number');
		expect(list.users[ada[8]!]).toEqual([door.id, 'Dana Door']);
		const ken = list.rows.find((row) => row[3] === 'GX-1006')!;
		expect(ken[5]).toBeNull();
		expect(JSON.stringify(list)).not.toContain('private note');
	});

	it('cannot read or write fields without check-in access, even with raw SQL', async () => {
		// The field does not exist as far as the check-in role can tell.
		await expectAppError(
			queryRecords({
				context,
				actor: door.actor,
				space: space.slug,
				type: 'guests',
				query: { select: ['medical'] }
			}),
			'UNKNOWN_ATTRIBUTE',
			'medical'
		);
		const record = await getRecord({ context, actor: door.actor, id: ids.get('GX-1001')! });
		expect(Object.keys(record).sort()).toEqual(
			[
				'arrived',
				'arrived_at',
				'barcode',
				'entrance',
				'full_name',
				'id',
				'let_in_by',
				'mail',
				'pass',
				'type'
			].sort()
		);
		await expectAppError(
			updateRecords({
				context,
				actor: door.actor,
				space: space.slug,
				type: 'guests',
				updates: [{ id: ids.get('GX-1001')!, values: { full_name: 'Renamed' } }]
			}),
			'FORBIDDEN',
			'full_name'
		);
		const client = await runtimeClient(context);
		try {
			await client.query('begin');
			await client.query(`select set_config('app.current_user_id', $1, true)`, [door.id]);
			const { rows } = await client.query(
				`select v.value_text from eav_values v join attributes a on a.id = v.attribute_id
				  where v.space_id = $1 and a.key = 'medical'`,
				[space.id]
			);
			expect(rows).toEqual([]);
			const hidden = await client.query(
				`select count(*)::int as count from eav_values where space_id = $1 and value_text like 'private note%'`,
				[space.id]
			);
			expect(hidden.rows[0].count).toBe(0);
			// The other type (no check-in fields) is invisible altogether.
			const tasks = await client.query(
				`select count(*)::int as count from entity_types where space_id = $1 and key = 'tasks'`,
				[space.id]
			);
			expect(tasks.rows[0].count).toBe(0);
		} finally {
			await client.query('rollback');
			await client.end();
		}
	});
});

describe('counts', () => {
	it('gives checked-in against total per gate and overall, in the gates’ order', async () => {
		const list = await listAttendees({ context, actor: owner.actor, space: space.slug });
		const checked = list.rows.filter((row) => row[6] === 1);
		const counts = await countCheckins({ context, actor: door.actor, space: space.slug });
		expect(counts).toEqual({
			total: 6,
			checkedIn: checked.length,
			gates: [
				{ gate: 'East', total: 2, checkedIn: checked.filter((row) => row[5] === 0).length },
				{ gate: 'West', total: 3, checkedIn: checked.filter((row) => row[5] === 1).length },
				{ gate: null, total: 1, checkedIn: checked.filter((row) => row[5] === null).length }
			]
		});
		expect(counts.checkedIn).toBeGreaterThan(0);
	});
});

describe('a busy desk and the write limit', () => {
	it('checks in a burst of 250 guests (an offline queue syncing) within the default 600 writes a minute', async () => {
		const { created } = await createRecords({
			context,
			actor: owner.actor,
			space: space.slug,
			type: 'guests',
			values: Array.from({ length: 250 }, (_, index) => ({
				full_name: `Rush Guest ${index}`,
				barcode: `RUSH-${index}`,
				entrance: index % 2 ? 'East' : 'West'
			}))
		});
		// The production default, not the tests' relaxed one.
		const desk: AppContext = {
			...context,
			kv: {
				...context.kv,
				writeLimiter: createMemoryRateLimiter({
					points: 600,
					durationSeconds: 60,
					keyPrefix: 'write'
				})
			}
		};
		const outcomes: string[] = [];
		for (const record of created) {
			const answer = await checkIn({
				context: desk,
				actor: door.actor,
				space: space.slug,
				input: { id: record.id, nonce: nonce('rush'), gate: 'East' }
			});
			outcomes.push(answer.status);
		}
		expect(outcomes.filter((status) => status === 'checked_in')).toHaveLength(250);
		const counts = await countCheckins({ context, actor: door.actor, space: space.slug });
		expect(counts.total).toBe(256);
	});
});
