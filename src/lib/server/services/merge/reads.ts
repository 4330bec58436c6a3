// Reads around a merge: the records side by side with survivorship's defaults, where each
// value of a record came from, and where a merged-away record went.
import { z } from 'zod';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import {
	MAX_MERGE_RECORDS,
	type MergePreview,
	type RecordProvenance
} from '$lib/domain/merge/merge';
import { defaultChoices, defaultSurvivor } from '$lib/domain/merge/survivorship';
import { canReadAll } from '$lib/domain/roles';
import type { Actor } from '../../auth/actor';
import type { AppContext } from '../../context';
import { loadRecords } from '../records/read';
import { findEntityType } from '../schema';
import { inSpace } from '../scope';
import { parseInput } from '../validate';
import { candidatesOf, lockRecords, requireEditor } from './merge-checks';
import { readProvenance } from './provenance';
import { resolveMergedId } from './read-merges';
import { withActor } from '../../db';

const previewInput = z.object({
	ids: z
		.string({ error: 'must list record ids, separated by commas' })
		.transform((text) => [
			...new Set(
				text
					.split(',')
					.map((id) => id.trim())
					.filter(Boolean)
			)
		])
		.pipe(
			z
				.array(z.uuid({ error: 'must list record ids, separated by commas' }))
				.min(2, 'name at least two records to merge')
				.max(MAX_MERGE_RECORDS, `a merge takes at most ${MAX_MERGE_RECORDS} records`)
		)
});

export async function previewMerge(options: {
	context: AppContext;
	actor: Actor;
	space: string;
	type: string;
	/** `{ ids: "a,b,c" }`, the merge page's query. */
	input: unknown;
}): Promise<MergePreview> {
	const { ids } = parseInput(previewInput, options.input);
	return inSpace(options.context, options.actor, options.space, async (scope) => {
		requireEditor(scope, 'merge records');
		const type = findEntityType(scope.types, options.type);
		const entities = await lockRecords(scope, type, ids);
		const records = await loadRecords({ tx: scope.tx, spaceId: scope.space.id, type, ids });
		const candidates = await candidatesOf(scope.tx, scope.space.id, type, records, entities);
		const survivor = defaultSurvivor(candidates, type.attributes);
		return {
			candidates,
			survivorId: survivor.id,
			choices: defaultChoices(type.attributes, candidates, survivor.id)
		};
	});
}

/** Where each value of a record came from, and the merges into it. */
export async function recordProvenance(options: {
	context: AppContext;
	actor: Actor;
	space: string;
	id: string;
}): Promise<RecordProvenance> {
	return inSpace(options.context, options.actor, options.space, async ({ tx, space, types }) => {
		if (!canReadAll(space.role)) {
			throw new AppError(
				AppErrorCode.Forbidden,
				`Your role (${space.role}) may not read where values came from`
			);
		}
		const { rows } = await tx.query<{ entity_type_id: string }>(
			'select entity_type_id from entities where space_id = $1 and id = $2',
			[space.id, z.uuid().safeParse(options.id).success ? options.id : null]
		);
		const type = rows[0] && types.find((candidate) => candidate.id === rows[0]!.entity_type_id);
		if (!type)
			throw new AppError(AppErrorCode.NotFound, `Record ${options.id} not found`, { field: 'id' });
		return readProvenance(tx, space.id, type, options.id);
	});
}

/** Where a merged-away record went: its survivor's space and type, when the caller sees it. */
export async function findSurvivor(options: {
	context: AppContext;
	actor: Actor;
	id: string;
}): Promise<{ spaceId: string; typeId: string; survivorId: string } | undefined> {
	if (!z.uuid().safeParse(options.id).success) return undefined;
	return withActor(options.context.db.runtime, options.actor, async (tx) => {
		const moved = await resolveMergedId(tx, options.id);
		if (!moved) return undefined;
		const { rows } = await tx.query<{ entity_type_id: string }>(
			'select entity_type_id from entities where space_id = $1 and id = $2',
			[moved.spaceId, moved.survivorId]
		);
		return (
			rows[0] && {
				spaceId: moved.spaceId,
				typeId: rows[0].entity_type_id,
				survivorId: moved.survivorId
			}
		);
	});
}
