// Opens a caller's transaction on one space: identity set for RLS, the space resolved with the
// caller's role, and the schema the caller may see. Every service starts here.
import type { RecordChange } from '$lib/domain/record-change';
import type { EntityType, SpaceAccess } from '$lib/domain/schema';
import type { Actor } from '../auth/actor';
import type { AppContext } from '../context';
import { withActor, type Tx } from '../db';
import { loadEntityTypes, resolveSpace } from './schema';

export interface SpaceScope {
	tx: Tx;
	actor: Actor;
	space: SpaceAccess;
	types: EntityType[];
}

export function inSpace<T>(
	context: AppContext,
	actor: Actor,
	spaceRef: string,
	work: (scope: SpaceScope) => Promise<T>
): Promise<T> {
	return withActor(context.db.runtime, actor, async (tx) => {
		const space = await resolveSpace(tx, spaceRef);
		const types = await loadEntityTypes({ tx, space, cache: context.kv.cache });
		return work({ tx, actor, space, types });
	});
}

/**
 * A write in a space: rate-limited per user, and its record changes published only after the
 * transaction has committed, so nobody is told about a change that might still roll back.
 */
export async function writeInSpace<T extends { changes: RecordChange[] }>(
	context: AppContext,
	actor: Actor,
	spaceRef: string,
	work: (scope: SpaceScope) => Promise<T>
): Promise<T> {
	await context.kv.writeLimiter.consume(actor.userId);
	const result = await inSpace(context, actor, spaceRef, work);
	context.changes.publish(result.changes);
	return result;
}
