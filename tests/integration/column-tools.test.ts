// The grid's column tools through the services against a real Postgres under RLS: summaries
// computed over the whole filtered view (not the loaded rows), and a field duplicated beside
// its source with every value.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '$lib/server/context';
import { addAttribute, addChoice, duplicateAttribute } from '$lib/server/services/attributes';
import { createEntityType } from '$lib/server/services/entity-types';
import {
	createRecords,
	getRecord,
	queryRecords,
	updateRecords
} from '$lib/server/services/records';
import { summarizeView } from '$lib/server/services/records/summaries';
import { loadEntityTypes, resolveSpace } from '$lib/server/services/schema';
import { withActor } from '$lib/server/db';
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
let outsider: TestUser;
let space: { id: string; slug: string };

const statusChoices = [
	{ id: 'o', name: 'Open', color: 'green' },
	{ id: 'c', name: 'Closed', color: 'gray' }
];

beforeAll(async () => {
	context = await bootTestApp();
	owner = await createUser(context, 'Owner');
	viewer = await createUser(context, 'Viewer');
	outsider = await createUser(context, 'Outsider');
	space = await createSpace(context, owner, 'Columns');
	await addMember(context, owner, space.id, viewer, 'viewer');
	const actor = owner.actor;
	await createEntityType({ context, actor, space: space.slug, input: { name: 'Orders' } });
	for (const input of [
		{ name: 'Item', kind: 'text' },
		{ name: 'Amount', kind: 'currency', options: { currency: 'EUR' } },
		{ name: 'Paid', kind: 'checkbox' },
		{ name: 'Due', kind: 'date' },
		{ name: 'Status', kind: 'single_select', options: { choices: statusChoices } },
		{ name: 'Tags', kind: 'multi_select', options: { choices: statusChoices } }
	])
		await addAttribute({ context, actor, space: space.slug, type: 'orders', input });
	// 1,200 records: more than a grid page, so a figure over loaded rows would differ.
	const values = Array.from({ length: 1200 }, (_, index) => ({
		item: index % 10 === 0 ? null : `Item ${index % 7}`,
		amount: index % 4 === 0 ? null : (index % 100) + 0.5,
		paid: index % 3 === 0,
		due: index % 5 === 0 ? null : `2026-0${(index % 9) + 1}-1${index % 10}`,
		status: index % 2 === 0 ? 'Open' : 'Closed',
		tags: index % 6 === 0 ? ['Open'] : []
	}));
	for (let at = 0; at < values.length; at += 500)
		await createRecords({
			context,
			actor,
			space: space.slug,
			type: 'orders',
			values: values.slice(at, at + 500)
		});
}, 120_000);

afterAll(() => stopTestApp());

const summarize = (user: TestUser, input: unknown) =>
	summarizeView({ context, actor: user.actor, space: space.slug, type: 'orders', input });

/** The same figures, the slow way: every record, read and reduced in JavaScript. */
async function everyRecord(filter?: unknown) {
	const records = [];
	let cursor: string | undefined;
	do {
		const page = await queryRecords({
			context,
			actor: owner.actor,
			space: space.slug,
			type: 'orders',
			query: { limit: 1000, after: cursor, filter: filter as never }
		});
		records.push(...page.records);
		cursor = page.nextCursor;
	} while (cursor);
	return records;
}

describe('column summaries', () => {
	it('counts and adds up every record of the view, whatever the grid loaded', async () => {
		const records = await everyRecord();
		const amounts = records.map((record) => record.amount as number | null);
		const filled = amounts.filter((amount): amount is number => amount !== null);
		const dues = records
			.map((record) => record.due as string | null)
			.filter((due): due is string => due !== null)
			.sort();
		const result = await summarize(owner, {
			summaries: {
				item: 'unique',
				amount: 'sum',
				due: 'earliest',
				paid: 'checked',
				status: 'empty',
				tags: 'filled'
			}
		});
		expect(result.total).toBe(1200);
		expect(result.summaries.amount).toEqual({
			type: 'value',
			value: filled.reduce((sum, amount) => sum + amount, 0)
		});
		expect(result.summaries.item).toEqual({ type: 'count', count: 7, of: 1200 });
		expect(result.summaries.due).toEqual({ type: 'value', value: dues[0] });
		expect(result.summaries.paid).toEqual({
			type: 'count',
			count: records.filter((record) => record.paid === true).length,
			of: 1200
		});
		expect(result.summaries.status).toEqual({ type: 'count', count: 0, of: 1200 });
		// An emptied multi-select is not "filled".
		expect(result.summaries.tags).toEqual({ type: 'count', count: 200, of: 1200 });
	});

	it('follows the view’s filter and search', async () => {
		const filter = { type: 'condition', field: 'status', operator: 'eq', value: 'Open' };
		const records = await everyRecord(filter);
		const amounts = records
			.map((record) => record.amount as number | null)
			.filter((amount): amount is number => amount !== null);
		const result = await summarize(owner, {
			filter,
			summaries: { amount: 'average', item: 'empty', due: 'latest' }
		});
		expect(result.total).toBe(records.length);
		expect(result.total).toBe(600);
		expect(result.summaries.amount).toMatchObject({ type: 'value' });
		const average = (result.summaries.amount as { value: number }).value;
		expect(average).toBeCloseTo(amounts.reduce((a, b) => a + b, 0) / amounts.length, 6);
		expect(result.summaries.item).toEqual({
			type: 'count',
			count: records.filter((record) => record.item === null).length,
			of: 600
		});
		const searched = await summarize(owner, { search: 'Item 3', summaries: { item: 'filled' } });
		expect(searched.total).toBeGreaterThan(0);
		expect(searched.summaries.item).toEqual({
			type: 'count',
			count: searched.total,
			of: searched.total
		});
	});

	it('refuses a summary the field does not offer, naming the field', async () => {
		await expect(summarize(owner, { summaries: { item: 'sum' } })).rejects.toMatchObject({
			code: 'INVALID_INPUT',
			field: 'summaries.item'
		});
		await expect(summarize(owner, { summaries: { nope: 'count' } })).rejects.toMatchObject({
			field: 'summaries.nope'
		});
		await expect(
			summarize(owner, {
				filter: { type: 'condition', field: 'amount', operator: 'like', value: 'x' },
				summaries: {}
			})
		).rejects.toMatchObject({ code: 'INVALID_INPUT' });
	});

	it('answers a viewer, and nobody outside the space', async () => {
		const result = await summarize(viewer, { summaries: { amount: 'max' } });
		expect(result.summaries.amount).toEqual({ type: 'value', value: 99.5 });
		await expect(summarize(outsider, { summaries: { amount: 'max' } })).rejects.toMatchObject({
			code: 'NOT_FOUND'
		});
	});
});

describe('duplicate a field', () => {
	const fieldOrder = async () =>
		withActor(context.db.runtime, owner.actor, async (tx) => {
			const resolved = await resolveSpace(tx, space.slug);
			const types = await loadEntityTypes({ tx, space: resolved });
			return types
				.find((type) => type.key === 'orders')!
				.attributes.map((attribute) => attribute.key);
		});

	it('puts a copy with every value right after its source', async () => {
		const result = await duplicateAttribute({
			context,
			actor: owner.actor,
			space: space.slug,
			type: 'orders',
			attribute: 'amount',
			input: {}
		});
		expect(result).toMatchObject({ key: 'amount_copy', copied: 900 });
		const order = await fieldOrder();
		expect(order.slice(0, 3)).toEqual(['item', 'amount', 'amount_copy']);
		const [record] = (await everyRecord()).filter((each) => each.amount !== null);
		expect((await getRecord({ context, actor: owner.actor, id: record!.id })).amount_copy).toBe(
			record!.amount
		);
		const again = await duplicateAttribute({
			context,
			actor: owner.actor,
			space: space.slug,
			type: 'orders',
			attribute: 'amount',
			input: { withValues: false }
		});
		expect(again).toMatchObject({ key: 'amount_copy_2', copied: 0 });
		expect((await fieldOrder()).slice(0, 4)).toEqual([
			'item',
			'amount',
			'amount_copy_2',
			'amount_copy'
		]);
	});

	it('refuses a viewer and a link field, changing nothing', async () => {
		const before = await fieldOrder();
		await expect(
			duplicateAttribute({
				context,
				actor: viewer.actor,
				space: space.slug,
				type: 'orders',
				attribute: 'item',
				input: {}
			})
		).rejects.toMatchObject({ code: 'FORBIDDEN' });
		await createEntityType({
			context,
			actor: owner.actor,
			space: space.slug,
			input: { name: 'Customers' }
		});
		const types = await withActor(context.db.runtime, owner.actor, async (tx) =>
			loadEntityTypes({ tx, space: await resolveSpace(tx, space.slug) })
		);
		await addAttribute({
			context,
			actor: owner.actor,
			space: space.slug,
			type: 'orders',
			input: {
				name: 'Customer',
				kind: 'relation',
				options: { targetEntityTypeId: types.find((type) => type.key === 'customers')!.id }
			}
		});
		await expect(
			duplicateAttribute({
				context,
				actor: owner.actor,
				space: space.slug,
				type: 'orders',
				attribute: 'customer',
				input: {}
			})
		).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'attribute' });
		expect(await fieldOrder()).toEqual([...before, 'customer']);
	});
});

describe('add a choice from a cell', () => {
	const choicesOf = async () =>
		withActor(context.db.runtime, owner.actor, async (tx) => {
			const types = await loadEntityTypes({ tx, space: await resolveSpace(tx, space.slug) });
			const status = types
				.find((type) => type.key === 'orders')!
				.attributes.find((attribute) => attribute.key === 'status')!;
			return (status.options.choices as { name: string }[]).map((choice) => choice.name);
		});
	const add = (user: TestUser, attribute: string, name: string) =>
		addChoice({
			context,
			actor: user.actor,
			space: space.slug,
			type: 'orders',
			attribute,
			input: { name }
		});

	it('appends it, keeps both of two added at once, and finds a name it has', async () => {
		const [first, second] = await Promise.all([
			add(owner, 'status', 'On hold'),
			add(owner, 'status', 'Refunded')
		]);
		expect(first).toEqual({ name: 'On hold', isNew: true });
		expect(second).toEqual({ name: 'Refunded', isNew: true });
		expect(await add(owner, 'status', 'on HOLD')).toEqual({ name: 'On hold', isNew: false });
		const names = await choicesOf();
		expect(names.slice(0, 2)).toEqual(['Open', 'Closed']);
		expect(names.slice(2).sort()).toEqual(['On hold', 'Refunded']);
		const [record] = (await everyRecord()).slice(0, 1);
		await expect(
			updateRecords({
				context,
				actor: owner.actor,
				space: space.slug,
				type: 'orders',
				updates: [{ id: record!.id, values: { status: 'Refunded' } }]
			})
		).resolves.toBeDefined();
	});

	it('refuses a viewer, a field without choices and an empty name, changing nothing', async () => {
		const before = await choicesOf();
		await expect(add(viewer, 'status', 'Lost')).rejects.toMatchObject({ code: 'FORBIDDEN' });
		await expect(add(owner, 'item', 'Lost')).rejects.toMatchObject({
			code: 'INVALID_INPUT',
			field: 'attribute'
		});
		await expect(add(owner, 'status', '   ')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
		expect(await choicesOf()).toEqual(before);
	});
});
