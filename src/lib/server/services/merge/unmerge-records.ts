// Undoing a merge: the merged-away records come back with their ids, numbers and values, the
// survivor gets its values from before the merge, links point where they pointed, and comments
// and check-in scans return to their records. Values go through the one write path, so they
// are checked against the fields as they are now, audited and broadcast.
import { z } from 'zod';
import type { CellValue } from '$lib/domain/attributes/kind';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import type { MergeSummary } from '$lib/domain/merge/merge';
import { mergeableAttributes } from '$lib/domain/merge/survivorship';
import type { RecordChange } from '$lib/domain/record-change';
import type { EntityType } from '$lib/domain/schema';
import type { Actor } from '../../auth/actor';
import type { AppContext } from '../../context';
import type { Tx } from '../../db';
import { warnPossibleDuplicates } from '../matching/on-write';
import { loadRecords } from '../records/read';
import { writeRecords } from '../records/write';
import { findEntityType } from '../schema';
import { writeInSpace, type SpaceScope } from '../scope';
import { parseInput } from '../validate';
import { lockRecords, requireEditor } from './merge-checks';
import { readMerge } from './read-merges';
import { auditMerge, valuesOf, type MergeSnapshot } from './snapshot';

const unmergeInput = z.object({ mergeId: z.uuid({ error: 'must be the id of a merge' }) });

/** Link targets that still exist: a record deleted since the merge cannot be linked again. */
async function existingIds(tx: Tx, spaceId: string, ids: string[]): Promise<Set<string>> {
	if (!ids.length) return new Set();
	const { rows } = await tx.query<{ id: string }>(
		'select id from entities where space_id = $1 and id = any ($2::uuid[])',
		[spaceId, [...new Set(ids)]]
	);
	return new Set(rows.map((row) => row.id));
}

/** Stored values of the fields that still exist, links narrowed to records that still exist. */
function restorable(
	type: EntityType,
	values: Record<string, CellValue>,
	existing: Set<string>
): Record<string, CellValue> {
	const restored: Record<string, CellValue> = {};
	for (const attribute of mergeableAttributes(type.attributes)) {
		if (!(attribute.key in values)) continue;
		const value = values[attribute.key] ?? null;
		restored[attribute.key] =
			attribute.kind === 'relation' && Array.isArray(value)
				? (value as string[]).filter((id) => existing.has(id))
				: value;
	}
	return restored;
}

/** Every record the values' relation fields name. */
const linkTargets = (type: EntityType, values: Record<string, CellValue>[]) =>
	type.attributes
		.filter((attribute) => attribute.kind === 'relation')
		.flatMap((attribute) =>
			values.flatMap((each) => {
				const value = each[attribute.key];
				return Array.isArray(value) ? (value as string[]) : [];
			})
		);

async function restoreLinks(
	scope: SpaceScope,
	actor: Actor,
	links: MergeSnapshot['links']
): Promise<RecordChange[]> {
	const changes: RecordChange[] = [];
	const existing = await existingIds(scope.tx, scope.space.id, [
		...links.map((link) => link.entityId),
		...links.flatMap((link) => link.before)
	]);
	const byType = new Map<string, Map<string, Record<string, CellValue>>>();
	for (const link of links) {
		if (!existing.has(link.entityId)) continue;
		const updates = byType.get(link.typeId) ?? new Map<string, Record<string, CellValue>>();
		byType.set(link.typeId, updates);
		updates.set(link.entityId, {
			...updates.get(link.entityId),
			[link.key]: link.before.filter((id) => existing.has(id))
		});
	}
	for (const [typeId, updates] of byType) {
		const type = scope.types.find((candidate) => candidate.id === typeId);
		if (!type) continue;
		const live = [...updates].map(([id, values]) => ({
			id,
			values: Object.fromEntries(
				Object.entries(values).filter(([key]) => type.attributes.some((a) => a.key === key))
			)
		}));
		const result = await writeRecords({
			...scope,
			actor,
			type,
			updates: live,
			returnUpdated: false
		});
		changes.push(...result.changes);
	}
	return changes;
}

export async function unmergeRecords(options: {
	context: AppContext;
	actor: Actor;
	space: string;
	input: unknown;
}): Promise<{ merge: MergeSummary; changes: RecordChange[] }> {
	const { mergeId } = parseInput(unmergeInput, options.input);
	return writeInSpace(options.context, options.actor, options.space, async (scope) => {
		requireEditor(scope, 'undo merges');
		const { tx, space } = scope;
		const actor: Actor = { ...scope.actor, via: 'merge' };
		const { rows } = await tx.query<{
			entity_type_id: string;
			survivor_id: string;
			merged_ids: string[];
			snapshot: MergeSnapshot;
			undone_at: Date | null;
		}>(
			`select entity_type_id, survivor_id, merged_ids, snapshot, undone_at from record_merges
			  where space_id = $1 and id = $2 for update`,
			[space.id, mergeId]
		);
		const row = rows[0];
		if (!row) {
			throw new AppError(AppErrorCode.NotFound, `Merge ${mergeId} not found`, { field: 'mergeId' });
		}
		if (row.undone_at) {
			throw new AppError(AppErrorCode.Conflict, `Merge ${mergeId} was already undone`, {
				field: 'mergeId'
			});
		}
		const type = findEntityType(scope.types, row.entity_type_id);
		const { survivor_id: survivorId, merged_ids: mergedIds, snapshot } = row;
		// The survivor must still be there (not deleted or merged away since).
		await lockRecords(scope, type, [survivorId]);

		await tx.query(
			`insert into entities (id, space_id, entity_type_id, seq, position, created_at, created_by, updated_at, updated_by)
			 select r.id, $1, $2, r.seq, r.position, r."createdAt", r."createdBy", r."updatedAt", r."updatedBy"
			   from jsonb_to_recordset($3::jsonb) as r (id uuid, seq bigint, position double precision,
			     "createdAt" timestamptz, "createdBy" uuid, "updatedAt" timestamptz, "updatedBy" uuid)`,
			[space.id, type.id, JSON.stringify(snapshot.records)]
		);
		const existing = await existingIds(
			tx,
			space.id,
			linkTargets(type, [
				snapshot.survivorBefore,
				...snapshot.records.map((record) => record.values)
			])
		);
		// The survivor first: it gives back unique values the merged records held.
		const survivorBack = await writeRecords({
			...scope,
			actor,
			type,
			updates: [{ id: survivorId, values: restorable(type, snapshot.survivorBefore, existing) }]
		});
		// Their changes are announced below as creates, with every value.
		await writeRecords({
			...scope,
			actor,
			type,
			updates: snapshot.records.map((record) => ({
				id: record.id,
				values: restorable(type, record.values, existing)
			}))
		});
		const linkChanges = await restoreLinks(scope, actor, snapshot.links);
		for (const comment of snapshot.comments) {
			await tx.query('update comments set entity_id = $3 where space_id = $1 and id = $2', [
				space.id,
				comment.id,
				comment.entityId
			]);
		}
		for (const scan of snapshot.scans) {
			await tx.query('update checkin_scans set entity_id = $3 where space_id = $1 and nonce = $2', [
				space.id,
				scan.nonce,
				scan.entityId
			]);
		}
		// The write path stamped them as edited now; they come back as they were.
		await tx.query(
			`update entities e set updated_at = r."updatedAt", updated_by = r."updatedBy"
			   from jsonb_to_recordset($2::jsonb) as r (id uuid, "updatedAt" timestamptz, "updatedBy" uuid)
			  where e.space_id = $1 and e.id = r.id`,
			[space.id, JSON.stringify(snapshot.records)]
		);
		await tx.query(
			'update record_merges set undone_at = now(), undone_by = $3 where space_id = $1 and id = $2',
			[space.id, mergeId, actor.userId]
		);
		await auditMerge(tx, {
			spaceId: space.id,
			typeId: type.id,
			actor,
			action: 'unmerge',
			survivorId,
			mergedIds,
			mergeId
		});

		// The merge took their review-queue pairs with the merged records (they cascade): the
		// records are back on their own, so whatever still looks alike is offered again.
		await warnPossibleDuplicates(scope, type, [survivorId, ...mergedIds]);

		// Open sheets learn of the records that came back as creates, with all their values.
		const restored = await loadRecords({ tx, spaceId: space.id, type, ids: mergedIds });
		const at = new Date().toISOString();
		const creates: RecordChange[] = restored.map((record) => ({
			spaceId: space.id,
			entityTypeId: type.id,
			entityTypeKey: type.key,
			entityId: record.id,
			action: 'create',
			values: valuesOf(record),
			actorId: actor.userId,
			via: actor.via,
			at
		}));
		const merge = (await readMerge(tx, space.id, mergeId))!;
		return {
			merge,
			changes: [...survivorBack.changes, ...creates, ...linkChanges]
		};
	});
}
