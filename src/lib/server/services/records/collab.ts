// Live records: a record's Yjs doc opened for a caller, a sheet opened for a caller, and the
// compaction of a doc's appended updates. The engine calls these (and live.ts for edits); it
// never touches tables itself.
import type { EntityType, SpaceAccess } from '$lib/domain/schema';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import type { Actor } from '../../auth/actor';
import type { AppContext } from '../../context';
import { inSpace } from '../scope';
import { withActor } from '../../db';
import { findEntityType, loadEntityTypes, resolveSpace } from '../schema';
import { compactDocs, readOrInitDocState } from './docs';
import { readRecordHome } from './read';

export interface OpenedDoc {
	spaceId: string;
	type: EntityType;
	role: SpaceAccess['role'];
	state: Uint8Array;
}

const notFound = (id: string) =>
	new AppError(AppErrorCode.NotFound, `Record ${id} not found`, { field: 'doc' });

/**
 * A record's doc as the caller may read it. Check-in members get no docs: a doc holds every
 * field, and they may see only a few.
 */
export function openRecordDoc(options: {
	context: AppContext;
	actor: Actor;
	id: string;
}): Promise<OpenedDoc> {
	const { context, actor, id } = options;
	return withActor(context.db.runtime, actor, async (tx) => {
		const home = await readRecordHome(tx, id);
		if (!home) throw notFound(id);
		const space = await resolveSpace(tx, home.spaceId);
		if (space.role === 'checkin') {
			throw new AppError(AppErrorCode.Forbidden, 'Check-in members cannot open whole records', {
				field: 'doc'
			});
		}
		const types = await loadEntityTypes({ tx, space, cache: context.kv.cache });
		const opened = await readOrInitDocState(tx, id, (typeId) =>
			types.find((type) => type.id === typeId)
		);
		if (!opened) throw notFound(id);
		return { spaceId: opened.spaceId, type: opened.type, role: space.role, state: opened.state };
	});
}

/**
 * Folds the updates that live edits appended to a record's doc into its stored base state, as
 * `actor` (a writer of the space: the policies allow nothing else).
 */
export function compactRecordDoc(options: {
	context: AppContext;
	actor: Actor;
	spaceId: string;
	id: string;
}): Promise<void> {
	const { context, actor, spaceId, id } = options;
	return withActor(context.db.runtime, actor, (tx) => compactDocs(tx, spaceId, [id]));
}

export interface OpenedSheet {
	spaceId: string;
	type: EntityType;
	role: SpaceAccess['role'];
}

/** A sheet (entity type) the caller may see, with the fields their role may read. */
export function openSheet(options: {
	context: AppContext;
	actor: Actor;
	space: string;
	type: string;
}): Promise<OpenedSheet> {
	const { context, actor } = options;
	return inSpace(context, actor, options.space, async ({ space, types }) => {
		const type = findEntityType(types, options.type);
		return { spaceId: space.id, type, role: space.role };
	});
}
