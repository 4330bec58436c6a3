// Merging duplicate records against a real Postgres: links repointed and comments moved, the
// survivor's values by survivorship or choice, an exact undo, old ids that resolve, and every
// refusal leaving the database as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '$lib/server/context';
import { withActor } from '$lib/server/db';
import { addAttribute } from '$lib/server/services/attributes';
import { addComment, listComments } from '$lib/server/services/comments';
import { createEntityType } from '$lib/server/services/entity-types';
import { readHistory } from '$lib/server/services/history';
import { getMatchRules, saveMatchRules } from '$lib/server/services/matching';
import {
	mergeRecords,
	previewMerge,
	recordProvenance,
	unmergeRecords
} from '$lib/server/services/merge';
import { createRecords, deleteRecords, getRecord } from '$lib/server/services/records';
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
let viewer: TestUser;
let checkin: TestUser;
let space: { id: string; slug: string };
let otherSpace: { id: string; slug: string };

async function field(spaceSlug: string, type: string, input: Record<string, unknown>) {
	await addAttribute({ context, actor: owner.actor, space: spaceSlug, type, input });
}

async function typeId(key: string, spaceId = space.id): Promise<string> {
	return withActor(context.db.runtime, owner.actor, async (tx) => {
		const { rows } = await tx.query<{ id: string }>(
			'select id from entity_types where space_id = $1 and key = $2',
			[spaceId, key]
		);
		return rows[0]!.id;
	});
}

async function makeSheet(spaceSlug: string) {
	await createEntityType({
		context,
		actor: owner.actor,
		space: spaceSlug,
		input: { name: 'Customers', key: 'customers' }
	});
	await field(spaceSlug, 'customers', { name: 'Name', kind: 'text' });
	await field(spaceSlug, 'customers', { name: 'Email', kind: 'email', isUnique: true });
	await field(spaceSlug, 'customers', {
		name: 'Tags',
		kind: 'multi_select',
		options: {
			choices: [
				{ id: 'v', name: 'VIP', color: 'red' },
				{ id: 'p', name: 'Press', color: 'blue' }
			]
		}
	});
	await field(spaceSlug, 'customers', { name: 'Number', kind: 'auto_number' });
}

const add = async (type: string, values: Record<string, unknown>[], spaceSlug = space.slug) =>
	(await createRecords({ context, actor: owner.actor, space: spaceSlug, type, values })).created;

const read = (id: string) => getRecord({ context, actor: owner.actor, id });

/** Everything a merge may touch in the space, in a stable order: to prove nothing changed. */
async function dump(spaceId = space.id) {
	return withActor(context.db.runtime, owner.actor, async (tx) => {
		const query = async (sql: string) => (await tx.query(sql, [spaceId])).rows;
		return {
			entities: await query(
				'select id, entity_type_id, seq, updated_at from entities where space_id = $1 order by id'
			),
			values: await query(
				`select entity_id, attribute_id, value_text, value_json from eav_values
				  where space_id = $1 order by entity_id, attribute_id`
			),
			comments: await query('select id, entity_id from comments where space_id = $1 order by id'),
			merges: await query('select id, undone_at from record_merges where space_id = $1'),
			audit: await query('select count(*)::int as n from audit_log where space_id = $1')
		};
	});
}

beforeAll(async () => {
	context = await bootTestApp();
	owner = await createUser(context, 'Merge Owner');
	viewer = await createUser(context, 'Merge Viewer');
	checkin = await createUser(context, 'Merge Desk');
	space = await createSpace(context, owner, 'Merges');
	otherSpace = await createSpace(context, owner, 'Other merges');
	await addMember(context, owner, space.id, viewer, 'viewer');
	await addMember(context, owner, space.id, checkin, 'checkin');
	await makeSheet(space.slug);
	await makeSheet(otherSpace.slug);
	await createEntityType({
		context,
		actor: owner.actor,
		space: space.slug,
		input: { name: 'Attendees', key: 'attendees' }
	});
	await field(space.slug, 'attendees', { name: 'Name', kind: 'text' });
	const customers = await typeId('customers');
	// Two-way: each attendee's customer, and the customer's attendees.
	await field(space.slug, 'attendees', {
		name: 'Customer',
		kind: 'relation',
		options: { targetEntityTypeId: customers },
		inverseName: 'Attendees'
	});
	// One-way: a deal names its account, the customer does not list its deals.
	await createEntityType({
		context,
		actor: owner.actor,
		space: space.slug,
		input: { name: 'Deals', key: 'deals' }
	});
	await field(space.slug, 'deals', { name: 'Title', kind: 'text' });
	await field(space.slug, 'deals', {
		name: 'Accounts',
		kind: 'relation',
		options: { targetEntityTypeId: customers }
	});
});

afterAll(async () => {
	await stopTestApp();
});

describe('merge and unmerge', () => {
	it('repoints links, moves comments, and an undo restores records, values and links exactly', async () => {
		const [ada, lovelace, other] = await add('customers', [
			{ name: 'Ada', email: 'ada@example.org', tags: ['VIP'] },
			{ name: 'Ada Lovelace', email: 'countess@example.org', tags: ['Press'] },
			{ name: 'Grace', email: 'grace@example.org' }
		]);
		const attendees = await add('attendees', [
			{ name: 'Ada at the gala', customer: [lovelace!.id] },
			{ name: 'Ada at the fair', customer: [ada!.id] }
		]);
		const [deal] = await add('deals', [{ title: 'Engines', accounts: [lovelace!.id, other!.id] }]);
		await addComment({
			context,
			actor: owner.actor,
			space: space.slug,
			id: lovelace!.id,
			input: { body: 'Met her at the gala' }
		});
		const ids = [ada!.id, lovelace!.id, other!.id, ...attendees.map((a) => a.id), deal!.id];
		const before = await Promise.all(ids.map(read));
		const beforeDump = await dump();

		const preview = await previewMerge({
			context,
			actor: owner.actor,
			space: space.slug,
			type: 'customers',
			input: { ids: `${ada!.id},${lovelace!.id}` }
		});
		expect(preview.choices.name).toEqual({ from: lovelace!.id });
		expect(preview.choices.tags).toEqual({ from: 'union' });

		const { merge, survivor } = await mergeRecords({
			context,
			actor: owner.actor,
			space: space.slug,
			type: 'customers',
			input: {
				survivorId: ada!.id,
				mergedIds: [lovelace!.id],
				values: { email: 'countess@example.org' }
			}
		});
		// The chosen value, the longest name by default, and the union of the tags.
		expect(survivor).toMatchObject({
			id: ada!.id,
			name: 'Ada Lovelace',
			email: 'countess@example.org',
			tags: ['VIP', 'Press']
		});
		expect(new Set(survivor.attendees as string[])).toEqual(new Set(attendees.map((a) => a.id)));
		expect((await read(attendees[0]!.id)).customer).toEqual([ada!.id]);
		expect((await read(deal!.id)).accounts).toEqual([ada!.id, other!.id]);
		const comments = await listComments({
			context,
			actor: owner.actor,
			space: space.slug,
			id: ada!.id
		});
		expect(comments.map((comment) => comment.body)).toEqual(['Met her at the gala']);
		// The old id answers with the survivor and says so.
		expect(await read(lovelace!.id)).toMatchObject({ id: ada!.id, merged_into: ada!.id });
		const provenance = await recordProvenance({
			context,
			actor: owner.actor,
			space: space.slug,
			id: ada!.id
		});
		expect(provenance.fields.find((each) => each.key === 'email')).toMatchObject({
			via: 'merge',
			mergeId: merge.id,
			actorName: 'Merge Owner'
		});
		expect(provenance.merges.map((each) => each.id)).toEqual([merge.id]);
		// A field the record was made without was never set by anyone.
		const untouched = await recordProvenance({
			context,
			actor: owner.actor,
			space: space.slug,
			id: other!.id
		});
		expect(untouched.fields.map((each) => each.key)).toEqual(['name', 'email']);
		const history = await readHistory({
			context,
			actor: owner.actor,
			space: space.slug,
			id: ada!.id
		});
		expect(history.entries[0]).toMatchObject({ action: 'merge', via: 'merge' });

		await unmergeRecords({
			context,
			actor: owner.actor,
			space: space.slug,
			input: { mergeId: merge.id }
		});
		expect(await Promise.all(ids.map(read))).toEqual(before);
		const afterDump = await dump();
		// The survivor and the linking records were edited twice (now stamped so); the
		// merged-away record comes back as it was, number and last change included.
		const stamp = (rows: { id: string; updated_at?: Date }[]) =>
			rows.map(({ updated_at, ...row }) =>
				row.id === lovelace!.id ? { ...row, updated_at } : row
			);
		expect(stamp(afterDump.entities)).toEqual(stamp(beforeDump.entities));
		expect(afterDump.values).toEqual(beforeDump.values);
		expect(afterDump.comments).toEqual(beforeDump.comments);
		// A second undo of the same merge is refused.
		await expect(
			unmergeRecords({
				context,
				actor: owner.actor,
				space: space.slug,
				input: { mergeId: merge.id }
			})
		).rejects.toMatchObject({ code: 'CONFLICT' });
	});

	it('offers the pairs of an undone merge for review again', async () => {
		// Same name, one without an email: a pair at a lowered review threshold.
		const scope = { context, actor: owner.actor, space: space.slug, type: 'customers' };
		const { rules } = await getMatchRules(scope);
		await saveMatchRules({ ...scope, input: { ...rules, reviewThreshold: 0.5 } });
		const [kept] = await add('customers', [
			{ name: 'Margaret Hamilton', email: 'margaret@example.org' }
		]);
		const [gone] = await add('customers', [{ name: 'Margaret Hamilton' }]);
		const openPair = async () => {
			const { rows } = await context.db.owner.query(
				`select status from match_pairs
				  where record_a = least($1::uuid, $2::uuid) and record_b = greatest($1::uuid, $2::uuid)`,
				[kept!.id, gone!.id]
			);
			return rows[0]?.status ?? null;
		};
		// Found when the second was written.
		expect(await openPair()).toBe('open');
		const { merge } = await mergeRecords({
			context,
			actor: owner.actor,
			space: space.slug,
			type: 'customers',
			input: { survivorId: kept!.id, mergedIds: [gone!.id] }
		});
		expect(await openPair()).toBeNull();
		await unmergeRecords({
			context,
			actor: owner.actor,
			space: space.slug,
			input: { mergeId: merge.id }
		});
		// Both records are back on their own: still alike, so back in the queue.
		expect(await openPair()).toBe('open');
	});

	it('follows an old id through a chain of merges', async () => {
		const [a, b, c] = await add('customers', [{ name: 'A1' }, { name: 'A2' }, { name: 'A3' }]);
		const merge = (survivorId: string, mergedIds: string[]) =>
			mergeRecords({
				context,
				actor: owner.actor,
				space: space.slug,
				type: 'customers',
				input: { survivorId, mergedIds }
			});
		await merge(b!.id, [a!.id]);
		await merge(c!.id, [b!.id]);
		expect(await read(a!.id)).toMatchObject({ id: c!.id, merged_into: c!.id });
	});
});

describe('refusals leave the database unchanged', () => {
	let ada: { id: string };
	let twin: { id: string };
	let attendee: { id: string };

	beforeAll(async () => {
		const customers = await add('customers', [{ name: 'Refusal Ada' }, { name: 'Refusal Twin' }]);
		ada = customers[0]!;
		twin = customers[1]!;
		attendee = (await add('attendees', [{ name: 'Refusal attendee' }]))[0]!;
	});

	const attempt = (actor: TestUser, survivorId: string, mergedIds: string[]) =>
		mergeRecords({
			context,
			actor: actor.actor,
			space: space.slug,
			type: 'customers',
			input: { survivorId, mergedIds }
		});

	async function expectRefused(work: () => Promise<unknown>, code: string, message: RegExp) {
		const before = await dump();
		const otherBefore = await dump(otherSpace.id);
		await expect(work()).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
		expect(await dump()).toEqual(before);
		expect(await dump(otherSpace.id)).toEqual(otherBefore);
	}

	it('refuses records of two types', () =>
		expectRefused(
			() => attempt(owner, ada.id, [attendee.id]),
			'INVALID_INPUT',
			/Attendees record/
		));

	it('refuses records of two spaces', async () => {
		const [elsewhere] = await add('customers', [{ name: 'Elsewhere Ada' }], otherSpace.slug);
		await expectRefused(
			() => attempt(owner, ada.id, [elsewhere!.id]),
			'INVALID_INPUT',
			/another space/
		);
	});

	it('refuses merging a record into itself', () =>
		expectRefused(() => attempt(owner, ada.id, [ada.id]), 'INVALID_INPUT', /into itself/));

	it('refuses a record someone else merged', async () => {
		const [first, second] = await add('customers', [{ name: 'M1' }, { name: 'M2' }]);
		await attempt(owner, first!.id, [second!.id]);
		await expectRefused(
			() => attempt(owner, ada.id, [second!.id]),
			'CONFLICT',
			new RegExp(`merged into ${first!.id}`)
		);
	});

	it('refuses a record someone else deleted', async () => {
		const [gone] = await add('customers', [{ name: 'Gone' }]);
		await deleteRecords({
			context,
			actor: owner.actor,
			space: space.slug,
			type: 'customers',
			ids: [gone!.id]
		});
		await expectRefused(() => attempt(owner, ada.id, [gone!.id]), 'CONFLICT', /deleted/);
	});

	it('refuses viewers and check-in members', async () => {
		await expectRefused(() => attempt(viewer, ada.id, [twin.id]), 'FORBIDDEN', /viewer/);
		await expectRefused(() => attempt(checkin, ada.id, [twin.id]), 'FORBIDDEN', /checkin/);
		await expect(
			previewMerge({
				context,
				actor: viewer.actor,
				space: space.slug,
				type: 'customers',
				input: { ids: `${ada.id},${twin.id}` }
			})
		).rejects.toMatchObject({ code: 'FORBIDDEN' });
	});

	it('refuses a chosen value its field does not take, naming the field', async () => {
		await expectRefused(
			() =>
				mergeRecords({
					context,
					actor: owner.actor,
					space: space.slug,
					type: 'customers',
					input: { survivorId: ada.id, mergedIds: [twin.id], values: { email: 'not an email' } }
				}),
			'INVALID_VALUE',
			/Email/
		);
	});

	it('refuses an undo after the survivor was deleted', async () => {
		const [keep, drop] = await add('customers', [{ name: 'Keep' }, { name: 'Drop' }]);
		const { merge } = await attempt(owner, keep!.id, [drop!.id]);
		await deleteRecords({
			context,
			actor: owner.actor,
			space: space.slug,
			type: 'customers',
			ids: [keep!.id]
		});
		await expectRefused(
			() =>
				unmergeRecords({
					context,
					actor: owner.actor,
					space: space.slug,
					input: { mergeId: merge.id }
				}),
			'CONFLICT',
			/deleted/
		);
	});

	it('lets the database refuse a viewer who writes record_merges directly', async () => {
		await expect(
			withActor(context.db.runtime, viewer.actor, (tx) =>
				tx.query(
					`insert into record_merges (space_id, entity_type_id, survivor_id, merged_ids, snapshot, merged_by)
					 select $1, id, $2, array[$3]::uuid[], '{}', $4 from entity_types where space_id = $1 limit 1`,
					[space.id, ada.id, twin.id, viewer.id]
				)
			)
		).rejects.toThrow(/row-level security/);
	});
});
