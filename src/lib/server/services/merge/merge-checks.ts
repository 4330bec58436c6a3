// The checks every merge and undo starts with: the caller's role, and records that exist, in
// this space, of this type, locked against concurrent writers until the transaction ends.
import { AppError, AppErrorCode } from '$lib/domain/errors';
import type { MergeCandidate } from '$lib/domain/merge/survivorship';
import type { EntityType } from '$lib/domain/schema';
import { canWriteRecords } from '$lib/domain/roles';
import type { Tx } from '../../db';
import type { FlatRecord } from '../records/read';
import type { SpaceScope } from '../scope';
import { readOrigins } from './provenance';
import { findMergeOf } from './read-merges';
import { valuesOf, type EntitySnapshot } from './snapshot';

export function requireEditor(scope: Pick<SpaceScope, 'space'>, what: string): void {
	if (!canWriteRecords(scope.space.role)) {
		throw new AppError(AppErrorCode.Forbidden, `Your role (${scope.space.role}) may not ${what}`);
	}
}

interface EntityRow {
	id: string;
	space_id: string;
	entity_type_id: string;
	seq: string;
	position: number;
	created_at: Date;
	created_by: string | null;
	updated_at: Date;
	updated_by: string | null;
}

/** Why a record is not there to merge: merged or deleted by someone (409), or unknown (404). */
async function explainMissing(scope: SpaceScope, id: string): Promise<AppError> {
	const merge = await findMergeOf(scope.tx, id);
	if (merge && merge.spaceId === scope.space.id) {
		return new AppError(
			AppErrorCode.Conflict,
			`Record ${id} was merged into ${merge.survivorId}${merge.mergedBy ? ` by ${merge.mergedBy.name}` : ''}; reload and try again`,
			{ field: 'ids', details: { id, mergedInto: merge.survivorId } }
		);
	}
	const { rowCount } = await scope.tx.query(
		`select 1 from audit_log where entity_id = $1 and space_id = $2 and action = 'delete' limit 1`,
		[id, scope.space.id]
	);
	if (rowCount) {
		return new AppError(
			AppErrorCode.Conflict,
			`Record ${id} was deleted by someone else; reload and try again`,
			{ field: 'ids', details: { id } }
		);
	}
	return new AppError(AppErrorCode.NotFound, `Record ${id} not found`, { field: 'ids' });
}

/**
 * Locks the records (in id order, so two merges of overlapping records cannot deadlock) and
 * refuses when one is gone, in another space or of another type. Returns their entity rows.
 */
export async function lockRecords(
	scope: SpaceScope,
	type: EntityType,
	ids: string[]
): Promise<Map<string, EntitySnapshot>> {
	const { tx, space, types } = scope;
	// Unlocked and without the space filter first, to tell "another space" from "gone".
	const seen = await tx.query<Pick<EntityRow, 'id' | 'space_id' | 'entity_type_id'>>(
		'select id, space_id, entity_type_id from entities where id = any ($1::uuid[])',
		[ids]
	);
	for (const row of seen.rows) {
		if (row.space_id !== space.id) {
			throw new AppError(
				AppErrorCode.InvalidInput,
				`Record ${row.id} belongs to another space; records merge only within one space`,
				{ field: 'ids' }
			);
		}
		if (row.entity_type_id !== type.id) {
			const other = types.find((candidate) => candidate.id === row.entity_type_id);
			throw new AppError(
				AppErrorCode.InvalidInput,
				`Record ${row.id} is ${other ? `a ${other.name} record` : 'of another type'}, not ${type.name}; only records of one type merge`,
				{ field: 'ids' }
			);
		}
	}
	const { rows } = await tx.query<EntityRow>(
		`select id, space_id, entity_type_id, seq, position, created_at, created_by, updated_at, updated_by
		   from entities where space_id = $1 and entity_type_id = $2 and id = any ($3::uuid[])
		  order by id for update`,
		[space.id, type.id, ids]
	);
	const missing = ids.find((id) => !rows.some((row) => row.id === id));
	if (missing) throw await explainMissing(scope, missing);
	return new Map(
		rows.map((row) => [
			row.id,
			{
				id: row.id,
				seq: Number(row.seq),
				position: row.position,
				createdAt: row.created_at.toISOString(),
				createdBy: row.created_by,
				updatedAt: row.updated_at.toISOString(),
				updatedBy: row.updated_by
			}
		])
	);
}

/** The records as survivorship sees them: values, and who set each value when. */
export async function candidatesOf(
	tx: Tx,
	spaceId: string,
	type: EntityType,
	records: FlatRecord[],
	entities: Map<string, EntitySnapshot>
): Promise<(MergeCandidate & { seq: number })[]> {
	const origins = await readOrigins(
		tx,
		spaceId,
		type,
		records.map((record) => record.id)
	);
	return records.map((record) => {
		const entity = entities.get(record.id)!;
		return {
			id: record.id,
			seq: entity.seq,
			createdAt: entity.createdAt,
			updatedAt: entity.updatedAt,
			values: valuesOf(record),
			origins: Object.fromEntries(
				(origins.get(record.id) ?? []).map(({ key, at, via, actorId }) => [
					key,
					{ at, via, actorId }
				])
			)
		};
	});
}
