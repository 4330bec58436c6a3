// Merging duplicate records into one survivor, in one transaction through the one write path:
// links that pointed at the merged-away records are repointed (each linking record written by
// writeRecords, so inverse links, audit and broadcast follow), comments and check-in scans
// move to the survivor, the merged-away records are deleted by writeRecords and kept whole in
// the merge's snapshot, and the survivor takes the chosen values.
import { z } from 'zod';
import type { CellValue } from '$lib/domain/attributes/kind';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import { MAX_MERGE_RECORDS, type MergeResult } from '$lib/domain/merge/merge';
import {
	chosenValue,
	defaultChoices,
	mergeableAttributes,
	unionOf
} from '$lib/domain/merge/survivorship';
import type { RecordChange } from '$lib/domain/record-change';
import type { EntityType } from '$lib/domain/schema';
import type { Actor } from '../../auth/actor';
import type { AppContext } from '../../context';
import type { Tx } from '../../db';
import { loadRecords, type FlatRecord } from '../records/read';
import { writeRecords } from '../records/write';
import { findEntityType } from '../schema';
import { writeInSpace, type SpaceScope } from '../scope';
import { parseInput } from '../validate';
import { candidatesOf, lockRecords, requireEditor } from './merge-checks';
import { readMerge } from './read-merges';
import { auditMerge, valuesOf, type MergeSnapshot } from './snapshot';

/** What a merge tells the code that runs after it, in its transaction. */
export interface MergeEvent {
	tx: Tx;
	spaceId: string;
	entityTypeId: string;
	mergeId: string;
	survivorId: string;
	mergedIds: string[];
}

export type AfterMergeHook = (event: MergeEvent) => Promise<void>;

/**
 * Run after every merge, inside its transaction, so that what depends on the merged records
 * changes with it or not at all. Empty today: the duplicate-review queue's pairs of merged
 * records are deleted with them (match_pairs cascades), so markPairsMerged is not wired here.
 */
export const afterMergeHooks: AfterMergeHook[] = [];

const uuid = z.uuid({ error: 'must be a record id' });
const mergeInput = z.object({
	survivorId: uuid,
	mergedIds: z
		.array(uuid, { error: 'must be a list of record ids' })
		.min(1, 'name at least one record to merge into the survivor')
		.max(MAX_MERGE_RECORDS - 1, `a merge takes at most ${MAX_MERGE_RECORDS} records`),
	/** The survivor's values by field key; fields left out follow survivorship's defaults. */
	values: z.record(z.string(), z.unknown()).optional()
});

export interface MergeOptions {
	context: AppContext;
	actor: Actor;
	space: string;
	type: string;
	input: unknown;
	afterMerge?: AfterMergeHook[];
}

/** Relation fields anywhere in the space, and which of them link to `type`. */
const relationsTo = (types: EntityType[], type: EntityType) =>
	types.flatMap((owner) =>
		owner.attributes
			.filter(
				(attribute) =>
					attribute.kind === 'relation' &&
					(attribute.options as { targetEntityTypeId?: string }).targetEntityTypeId === type.id
			)
			.map((attribute) => ({ owner, attribute }))
	);

/**
 * Every link to a merged-away record from a record outside the merge now names the survivor.
 * Returns what each linking field held before, for the undo, and the changes to broadcast.
 */
async function repointLinks(
	scope: SpaceScope,
	actor: Actor,
	type: EntityType,
	survivorId: string,
	mergedIds: string[]
): Promise<{ links: MergeSnapshot['links']; changes: RecordChange[] }> {
	const { tx, space, types } = scope;
	const relations = relationsTo(types, type);
	if (!relations.length) return { links: [], changes: [] };
	const { rows } = await tx.query<{
		entity_id: string;
		attribute_id: string;
		value_json: string[];
	}>(
		`select v.entity_id, v.attribute_id, v.value_json from eav_values v
		  where v.space_id = $1 and v.attribute_id = any ($2::uuid[])
		    and v.value_json @> any ($3::jsonb[]) and not v.entity_id = any ($4::uuid[])
		  order by v.entity_id, v.attribute_id`,
		[
			space.id,
			relations.map(({ attribute }) => attribute.id),
			mergedIds.map((id) => JSON.stringify([id])),
			[survivorId, ...mergedIds]
		]
	);
	const links: MergeSnapshot['links'] = [];
	const byOwner = new Map<EntityType, Map<string, Record<string, CellValue>>>();
	for (const row of rows) {
		const { owner, attribute } = relations.find((each) => each.attribute.id === row.attribute_id)!;
		const before = row.value_json;
		const after = [...new Set(before.map((id) => (mergedIds.includes(id) ? survivorId : id)))];
		links.push({ entityId: row.entity_id, typeId: owner.id, key: attribute.key, before });
		const updates = byOwner.get(owner) ?? new Map<string, Record<string, CellValue>>();
		byOwner.set(owner, updates);
		updates.set(row.entity_id, { ...updates.get(row.entity_id), [attribute.key]: after });
	}
	const changes: RecordChange[] = [];
	for (const [owner, updates] of byOwner) {
		const result = await writeRecords({
			...scope,
			actor,
			type: owner,
			updates: [...updates].map(([id, values]) => ({ id, values })),
			returnUpdated: false
		});
		changes.push(...result.changes);
	}
	return { links, changes };
}

/** Comments and check-in scans of the merged-away records now belong to the survivor. */
async function moveRecordRows(tx: Tx, spaceId: string, survivorId: string, mergedIds: string[]) {
	const comments = await tx.query<{ id: string; entity_id: string }>(
		`update comments c set entity_id = $2 from comments old
		  where old.id = c.id and c.space_id = $1 and c.entity_id = any ($3::uuid[])
		  returning c.id, old.entity_id`,
		[spaceId, survivorId, mergedIds]
	);
	const scans = await tx.query<{ nonce: string; entity_id: string }>(
		`update checkin_scans s set entity_id = $2 from checkin_scans old
		  where old.space_id = s.space_id and old.nonce = s.nonce
		    and s.space_id = $1 and s.entity_id = any ($3::uuid[])
		  returning s.nonce, old.entity_id`,
		[spaceId, survivorId, mergedIds]
	);
	return {
		comments: comments.rows.map((row) => ({ id: row.id, entityId: row.entity_id })),
		scans: scans.rows.map((row) => ({ nonce: row.nonce, entityId: row.entity_id }))
	};
}

/**
 * The survivor's values: what the steward chose, else survivorship's default. A relation keeps
 * every link it holds after repointing (links from elsewhere now name the survivor, and a
 * merge removes no link), plus what was chosen, minus the merged-away records themselves.
 */
function survivorValues(
	type: EntityType,
	candidates: Awaited<ReturnType<typeof candidatesOf>>,
	survivor: FlatRecord,
	current: FlatRecord,
	given: Record<string, unknown> | undefined
): Record<string, unknown> {
	const attributes = mergeableAttributes(type.attributes);
	const defaults = defaultChoices(attributes, candidates, survivor.id);
	const mergedIds = candidates.map((candidate) => candidate.id).filter((id) => id !== survivor.id);
	const values: Record<string, unknown> = {};
	for (const attribute of attributes) {
		const key = attribute.key;
		let value: unknown =
			given && key in given
				? given[key]
				: chosenValue(key, defaults[key]!, candidates, survivor.id);
		if (attribute.kind === 'relation') {
			const linked = unionOf([current[key], Array.isArray(value) ? (value as string[]) : null]);
			value = Array.isArray(linked)
				? (linked as string[]).filter((id) => !mergedIds.includes(id) && id !== survivor.id)
				: null;
		}
		if (JSON.stringify(value ?? null) !== JSON.stringify(current[key] ?? null)) values[key] = value;
	}
	return values;
}

export async function mergeRecords(
	options: MergeOptions
): Promise<MergeResult & { changes: RecordChange[] }> {
	const { context } = options;
	const input = parseInput(mergeInput, options.input);
	const mergedIds = [...new Set(input.mergedIds)];
	if (mergedIds.includes(input.survivorId)) {
		throw new AppError(
			AppErrorCode.InvalidInput,
			'mergedIds: a record cannot be merged into itself',
			{ field: 'mergedIds' }
		);
	}
	if (input.values && 'id' in input.values) {
		throw new AppError(AppErrorCode.InvalidInput, 'values: the survivor keeps its own id', {
			field: 'values.id'
		});
	}
	return writeInSpace(context, options.actor, options.space, async (scope) => {
		requireEditor(scope, 'merge records');
		const { tx, space } = scope;
		const actor: Actor = { ...scope.actor, via: 'merge' };
		const type = findEntityType(scope.types, options.type);
		const entities = await lockRecords(scope, type, [input.survivorId, ...mergedIds]);
		const records = await loadRecords({
			tx,
			spaceId: space.id,
			type,
			ids: [input.survivorId, ...mergedIds]
		});
		const survivor = records[0]!;
		const candidates = await candidatesOf(tx, space.id, type, records, entities);

		const { links, changes: linkChanges } = await repointLinks(
			scope,
			actor,
			type,
			survivor.id,
			mergedIds
		);
		const moved = await moveRecordRows(tx, space.id, survivor.id, mergedIds);
		const [current] = await loadRecords({ tx, spaceId: space.id, type, ids: [survivor.id] });
		// Deleted first, so the survivor may take a unique value of theirs.
		const removal = await writeRecords({ ...scope, actor, type, deletes: mergedIds });
		const values = survivorValues(type, candidates, survivor, current!, input.values);
		const update = await writeRecords({
			...scope,
			actor,
			type,
			updates: Object.keys(values).length ? [{ id: survivor.id, values }] : []
		});

		const snapshot: MergeSnapshot = {
			records: mergedIds.map((id) => {
				const entity = entities.get(id)!;
				return { ...entity, values: valuesOf(records.find((record) => record.id === id)!) };
			}),
			survivorBefore: valuesOf(survivor),
			links,
			...moved
		};
		const { rows } = await tx.query<{ id: string }>(
			`insert into record_merges (space_id, entity_type_id, survivor_id, merged_ids, snapshot, merged_by)
			 values ($1, $2, $3, $4, $5, $6) returning id`,
			[space.id, type.id, survivor.id, mergedIds, JSON.stringify(snapshot), actor.userId]
		);
		const mergeId = rows[0]!.id;
		await auditMerge(tx, {
			spaceId: space.id,
			typeId: type.id,
			actor,
			action: 'merge',
			survivorId: survivor.id,
			mergedIds,
			mergeId
		});
		for (const hook of options.afterMerge ?? afterMergeHooks) {
			await hook({
				tx,
				spaceId: space.id,
				entityTypeId: type.id,
				mergeId,
				survivorId: survivor.id,
				mergedIds
			});
		}

		const [result] = await loadRecords({ tx, spaceId: space.id, type, ids: [survivor.id] });
		const merge = (await readMerge(tx, space.id, mergeId))!;
		const changes = [
			...linkChanges,
			...removal.changes.map((change) => ({ ...change, mergedInto: survivor.id })),
			...update.changes
		];
		return { merge, survivor: result!, changes };
	});
}
