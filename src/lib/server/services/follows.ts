// Following a record: changes and comments on it reach the follower's inbox (the trigger in
// 0015_notifications for changes, comments.ts for comments). Each person follows as themselves;
// commenting follows the record too.
import type { Actor } from '../auth/actor';
import type { AppContext } from '../context';
import { requireReader, requireRecord } from './record-access';
import { inSpace, requireScope, type SpaceScope } from './scope';

interface OnRecord {
	context: AppContext;
	actor: Actor;
	space: string;
	/** The record id. */
	id: string;
}

/** Makes the caller follow the record, in their transaction (no-op when they already do). */
export async function follow(scope: SpaceScope, recordId: string): Promise<void> {
	await scope.tx.query(
		`insert into record_follows (space_id, entity_id, user_id) values ($1, $2, $3)
		 on conflict do nothing`,
		[scope.space.id, recordId, scope.actor.userId]
	);
}

/** Whether the caller follows the record. */
export function isFollowing(options: OnRecord): Promise<boolean> {
	return inSpace(options.context, options.actor, options.space, async (scope) => {
		requireReader(scope, 'follow records');
		await requireRecord(scope, options.id);
		const { rowCount } = await scope.tx.query(
			'select 1 from record_follows where entity_id = $1 and user_id = $2',
			[options.id, scope.actor.userId]
		);
		return Boolean(rowCount);
	});
}

/** Follows or unfollows the record as the caller; answers whether they follow it now. */
export function setFollowing(options: OnRecord & { isFollowing: boolean }): Promise<boolean> {
	requireScope(options.actor, 'write');
	return inSpace(options.context, options.actor, options.space, async (scope) => {
		requireReader(scope, 'follow records');
		await requireRecord(scope, options.id);
		if (options.isFollowing) await follow(scope, options.id);
		else
			await scope.tx.query('delete from record_follows where entity_id = $1 and user_id = $2', [
				options.id,
				scope.actor.userId
			]);
		return options.isFollowing;
	});
}
