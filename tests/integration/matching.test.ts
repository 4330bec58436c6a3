// Finding duplicates against the real Postgres and job queue: who sees what (RLS and the
// services' role checks), the write warning, a scan through pg-boss finding planted pairs,
// "not duplicates" remembered, and the contract with the merge service (markPairsMerged).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '$lib/domain/errors';
import type { MatchScanStatus } from '$lib/domain/matching';
import type { AppContext } from '$lib/server/context';
import { withActor } from '$lib/server/db';
import { startJobWorkers } from '$lib/server/jobs/workers';
import { addAttribute } from '$lib/server/services/attributes';
import { createEntityType } from '$lib/server/services/entity-types';
import {
	followScan,
	getDuplicateQueue,
	getMatchRules,
	getRecordDuplicates,
	latestScan,
	markNotDuplicates,
	markPairsMerged,
	previewMatchRules,
	saveMatchRules,
	startScan
} from '$lib/server/services/matching';
import { createRecords, deleteRecords, updateRecords } from '$lib/server/services/records';
import * as postgrest from '$lib/server/transports/postgrest';
import { generateCustomers } from '../../bench/dedupe/generate';
import {
	addMember,
	bootTestApp,
	createSpace,
	createUser,
	stopTestApp,
	type TestUser
} from '../support/app';

let context: AppContext;
let owner: TestUser;
let editor: TestUser;
let viewer: TestUser;
let doorman: TestUser;
let space: { id: string; slug: string };
let sheet = 0;

beforeAll(async () => {
	context = await bootTestApp();
	await startJobWorkers(context);
	owner = await createUser(context, 'Owner');
	editor = await createUser(context, 'Editor');
	viewer = await createUser(context, 'Viewer');
	doorman = await createUser(context, 'Doorman');
	space = await createSpace(context, owner, 'Matching');
	await addMember(context, owner, space.id, editor, 'editor');
	await addMember(context, owner, space.id, viewer, 'viewer');
	await addMember(context, owner, space.id, doorman, 'checkin');
});

afterAll(async () => {
	await stopTestApp();
});

/** A new people-like sheet: Name, Email, Phone, Company. */
async function newSheet(): Promise<string> {
	const { key } = await createEntityType({
		context,
		actor: owner.actor,
		space: space.slug,
		input: { name: `Customers ${++sheet}` }
	});
	for (const field of [
		{ name: 'Name', kind: 'text', checkinAccess: 'read' },
		{ name: 'Email', kind: 'email' },
		{ name: 'Phone', kind: 'phone' },
		{ name: 'Company', kind: 'text' }
	]) {
		await addAttribute({ context, actor: owner.actor, space: space.slug, type: key, input: field });
	}
	return key;
}

async function create(type: string, values: Record<string, unknown>[], actor = editor.actor) {
	return createRecords({ context, actor, space: space.slug, type, values });
}

const ada = { name: 'Ada Lovelace', email: 'ada.lovelace@example.org', phone: '(202) 555-0143' };
const adaAgain = {
	name: 'Lovelace, Ada',
	email: 'ADA.LOVELACE@example.org',
	company: 'Analytical'
};
const grace = { name: 'Grace Hopper', email: 'grace@navy.example', phone: '(202) 555-0199' };

async function waitForScan(type: string): Promise<MatchScanStatus> {
	for (let attempt = 0; attempt < 300; attempt++) {
		const scan = await latestScan({ context, actor: editor.actor, space: space.slug, type });
		if (scan && (scan.state === 'done' || scan.state === 'failed')) return scan;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	throw new Error('The scan did not finish');
}

describe('the write warning', () => {
	it('names the record a new one may duplicate, and writes it anyway', async () => {
		const type = await newSheet();
		const [first] = (await create(type, [ada, grace])).created;
		const result = await create(type, [adaAgain]);
		expect(result.created).toHaveLength(1);
		expect(result.possibleDuplicates).toEqual([
			{ id: result.created[0]!.id, duplicates: [{ id: first!.id, score: expect.any(Number) }] }
		]);
		expect(result.possibleDuplicates[0]!.duplicates[0]!.score).toBeGreaterThan(0.99);
		// The pair is in the review queue and on the record's banner.
		const queue = await getDuplicateQueue({
			context,
			actor: editor.actor,
			space: space.slug,
			type
		});
		expect(queue.clusters.map((cluster) => cluster.ids.sort())).toEqual([
			[first!.id, result.created[0]!.id].sort()
		]);
		const banner = await getRecordDuplicates({
			context,
			actor: editor.actor,
			space: space.slug,
			type,
			id: first!.id
		});
		expect(banner.map((entry) => entry.record.name)).toEqual(['Lovelace, Ada']);
	});

	it('warns on an edit that makes two records look alike, and among the records of one write', async () => {
		const type = await newSheet();
		const { created } = await create(type, [ada, grace]);
		const edited = await updateRecords({
			context,
			actor: editor.actor,
			space: space.slug,
			type,
			updates: [
				{ id: created[1]!.id, values: { name: 'Ada Lovelace', email: 'ada.lovelace@example.org' } }
			]
		});
		expect(edited.possibleDuplicates[0]?.duplicates.map((entry) => entry.id)).toEqual([
			created[0]!.id
		]);
		const other = await newSheet();
		const pasted = await create(other, [ada, grace, adaAgain]);
		expect(pasted.possibleDuplicates.map((entry) => entry.id).sort()).toEqual(
			[pasted.created[0]!.id, pasted.created[2]!.id].sort()
		);
	});

	it('travels as a header of the REST response', async () => {
		const type = await newSheet();
		const [first] = (await create(type, [ada])).created;
		const response = await postgrest.insertIntoCollection({
			context,
			actor: editor.actor,
			space: space.slug,
			type,
			request: new Request('http://roster.test/rest', {
				method: 'POST',
				headers: { 'content-type': 'application/json', prefer: 'return=representation' },
				body: JSON.stringify(adaAgain)
			}),
			url: new URL('http://roster.test/rest')
		});
		expect(response.status).toBe(201);
		const [row] = (await response.json()) as { id: string }[];
		expect(JSON.parse(response.headers.get('x-possible-duplicates')!)).toEqual([
			{ id: row!.id, duplicates: [{ id: first!.id, score: expect.any(Number) }] }
		]);
	});
});

describe('who sees what', () => {
	it('hides the queue and the rules from viewers and check-in members, in the service and in SQL', async () => {
		const type = await newSheet();
		await create(type, [ada, adaAgain]);
		for (const member of [viewer, doorman]) {
			const actor = member.actor;
			await expect(getDuplicateQueue({ context, actor, space: space.slug, type })).rejects.toThrow(
				/may not see duplicates/
			);
			await expect(getMatchRules({ context, actor, space: space.slug, type })).rejects.toThrow(
				AppError
			);
			await expect(startScan({ context, actor, space: space.slug, type })).rejects.toThrow(
				AppError
			);
			// The policies are the second wall: straight SQL as the member finds nothing.
			const counts = await withActor(context.db.runtime, actor, async (tx) => {
				const pairs = await tx.query<{ n: number }>('select count(*)::int as n from match_pairs');
				const scans = await tx.query<{ n: number }>('select count(*)::int as n from match_scans');
				return [pairs.rows[0]!.n, scans.rows[0]!.n];
			});
			expect(counts).toEqual([0, 0]);
		}
		const asEditor = await withActor(context.db.runtime, editor.actor, (tx) =>
			tx.query<{ n: number }>('select count(*)::int as n from match_pairs where space_id = $1', [
				space.id
			])
		);
		expect(asEditor.rows[0]!.n).toBeGreaterThan(0);
	});

	it('lets owners change the rules and refuses editors, in the service and in SQL', async () => {
		const type = await newSheet();
		const { rules, isCustom } = await getMatchRules({
			context,
			actor: editor.actor,
			space: space.slug,
			type
		});
		expect(isCustom).toBe(false);
		expect(rules.fields.map((field) => field.compare)).toEqual(['name', 'email', 'phone', 'text']);
		const stricter = { ...rules, reviewThreshold: 0.99 };
		await expect(
			saveMatchRules({ context, actor: editor.actor, space: space.slug, type, input: stricter })
		).rejects.toThrow(/Only owners/);
		const refused = await withActor(context.db.runtime, editor.actor, async (tx) => {
			const { rows } = await tx.query<{ id: string }>(
				'select id from entity_types where space_id = $1 and key = $2',
				[space.id, type]
			);
			return tx
				.query('insert into match_rules (entity_type_id, space_id, rules) values ($1, $2, $3)', [
					rows[0]!.id,
					space.id,
					JSON.stringify(stricter)
				])
				.then(
					() => 'written',
					(error: { code?: string }) => error.code
				);
		});
		expect(refused).toBe('42501');
		const saved = await saveMatchRules({
			context,
			actor: owner.actor,
			space: space.slug,
			type,
			input: stricter
		});
		expect(saved).toMatchObject({ isCustom: true, rules: { reviewThreshold: 0.99 } });
		const read = await getMatchRules({ context, actor: editor.actor, space: space.slug, type });
		expect(read.rules.reviewThreshold).toBe(0.99);
	});

	it('refuses rules that name a missing field or an impossible threshold, naming it', async () => {
		const type = await newSheet();
		const { rules } = await getMatchRules({ context, actor: owner.actor, space: space.slug, type });
		const input = (attributes: string[]) => ({
			...rules,
			fields: [{ attributes, compare: 'name', m: 0.9, u: 0.01 }]
		});
		await expect(
			saveMatchRules({
				context,
				actor: owner.actor,
				space: space.slug,
				type,
				input: input(['nope'])
			})
		).rejects.toMatchObject({ code: 'UNKNOWN_ATTRIBUTE', field: 'fields' });
		await expect(
			saveMatchRules({
				context,
				actor: owner.actor,
				space: space.slug,
				type,
				input: { ...rules, reviewThreshold: 2 }
			})
		).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'reviewThreshold' });
	});
});

describe('a scan', () => {
	it('finds the planted duplicates through the job queue, with live progress', async () => {
		const type = await newSheet();
		const data = generateCustomers(400, 0.1, 7);
		const { created } = await create(
			type,
			data.customers.map(({ person: _person, ...values }) => values),
			owner.actor
		);
		// Start from an empty queue, so that what follows is the scan's work alone.
		await context.db.owner.query('delete from match_pairs where space_id = $1', [space.id]);
		const person = new Map(
			created.map((record, index) => [record.id, data.customers[index]!.person])
		);
		const scan = await startScan({ context, actor: editor.actor, space: space.slug, type });
		const steps: MatchScanStatus[] = [];
		const ended = new Promise<void>((resolve) => {
			void followScan({
				context,
				actor: editor.actor,
				space: space.slug,
				id: scan.id,
				sink: {
					send: (event) => steps.push(JSON.parse(event.data ?? 'null') as MatchScanStatus),
					end: resolve
				}
			});
		});
		const done = await waitForScan(type);
		await ended;
		expect(done).toMatchObject({ state: 'done', records: 400 });
		expect(steps.at(-1)).toMatchObject({ id: scan.id, state: 'done' });
		const queue = await getDuplicateQueue({
			context,
			actor: editor.actor,
			space: space.slug,
			type
		});
		const pairs = queue.clusters.flatMap((cluster) => cluster.pairs);
		const right = pairs.filter((pair) => person.get(pair.recordA) === person.get(pair.recordB));
		expect(right.length / data.truePairs).toBeGreaterThan(0.9);
		expect(right.length / pairs.length).toBeGreaterThan(0.9);
	});

	it('never offers a pair again once it is "not duplicates", and drops deleted and merged records', async () => {
		const type = await newSheet();
		const { created } = await create(type, [ada, adaAgain, grace], owner.actor);
		const [first, second, third] = created.map((record) => record.id) as [string, string, string];
		await markNotDuplicates({
			context,
			actor: editor.actor,
			space: space.slug,
			type,
			input: { ids: [first, second] }
		});
		await expect(
			markNotDuplicates({
				context,
				actor: editor.actor,
				space: space.slug,
				type,
				input: { ids: [first, second] }
			})
		).rejects.toMatchObject({ code: 'CONFLICT' });
		await startScan({ context, actor: editor.actor, space: space.slug, type });
		expect((await waitForScan(type)).state).toBe('done');
		const queue = () =>
			getDuplicateQueue({ context, actor: editor.actor, space: space.slug, type });
		expect((await queue()).clusters).toEqual([]);
		// An edit of either record does not warn of the other any more.
		const edited = await updateRecords({
			context,
			actor: editor.actor,
			space: space.slug,
			type,
			updates: [{ id: second, values: { company: 'Analytical Engines' } }]
		});
		expect(edited.possibleDuplicates).toEqual([]);

		// Grace becomes a third Ada: open pairs with both, then merged away.
		await updateRecords({
			context,
			actor: editor.actor,
			space: space.slug,
			type,
			updates: [{ id: third, values: ada }]
		});
		expect((await queue()).clusters[0]?.ids.sort()).toEqual([first, second, third].sort());
		const marked = await withActor(context.db.runtime, editor.actor, (tx) =>
			markPairsMerged(tx, first, [third])
		);
		expect(marked).toBe(2);
		expect((await queue()).clusters).toEqual([]);
		const statuses = await context.db.owner.query<{ status: string }>(
			'select status from match_pairs where space_id = $1 and entity_type_id = (select id from entity_types where space_id = $1 and key = $2) order by status',
			[space.id, type]
		);
		expect(statuses.rows.map((row) => row.status)).toEqual(['merged', 'merged', 'not_duplicate']);

		// A deleted record takes its pairs along.
		await deleteRecords({ context, actor: editor.actor, space: space.slug, type, ids: [first] });
		const left = await context.db.owner.query(
			'select 1 from match_pairs where record_a = $1 or record_b = $1',
			[first]
		);
		expect(left.rowCount).toBe(0);
	});

	it('previews what edited rules would find, for owners only', async () => {
		const type = await newSheet();
		await create(type, [ada, adaAgain, grace], owner.actor);
		const { rules } = await getMatchRules({ context, actor: owner.actor, space: space.slug, type });
		const preview = await previewMatchRules({
			context,
			actor: owner.actor,
			space: space.slug,
			type,
			input: rules
		});
		expect(preview).toMatchObject({ found: 1, sampled: 3 });
		expect(Object.keys(preview.records)).toHaveLength(2);
		const emailOnly = {
			...rules,
			fields: rules.fields.filter((field) => field.compare === 'phone')
		};
		expect(
			(
				await previewMatchRules({
					context,
					actor: owner.actor,
					space: space.slug,
					type,
					input: emailOnly
				})
			).found
		).toBe(0);
		await expect(
			previewMatchRules({ context, actor: editor.actor, space: space.slug, type, input: rules })
		).rejects.toThrow(/Only owners/);
	});
});
