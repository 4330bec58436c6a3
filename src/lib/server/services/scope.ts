// Opens a caller's transaction on one space: identity set for RLS, the space resolved with the
// caller's role, and the schema the caller may see. Every service starts here, and asks here
// whether an API token's scopes allow its use case.
import { AppError, AppErrorCode } from '$lib/domain/errors';
import type { RecordChange } from '$lib/domain/record-change';
import type { EntityType, SpaceAccess } from '$lib/domain/schema';
import { tokenScopeLabels, type TokenScope } from '$lib/domain/token-scopes';
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

/** Whether the caller's token, if any, holds `scope`. */
export const hasScope = (actor: Actor, scope: TokenScope): boolean =>
	!actor.token || actor.token.scopes.includes(scope);

/**
 * Refuses an API token without `scope`. One call per kind of use case: record writes
 * (writeInSpace), schema changes, member management. A signed-in person has every scope their
 * role allows; the role itself is checked by the use case and by the policies, which also hold
 * the token's scopes (0008_token_scopes).
 */
export function requireScope(actor: Actor, scope: TokenScope): void {
	if (hasScope(actor, scope)) return;
	throw new AppError(
		AppErrorCode.Forbidden,
		`This API token lacks the "${scope}" scope (${tokenScopeLabels[scope].label.toLowerCase()}); ` +
			'make a token with it, or sign in',
		{ details: { scope, scopes: actor.token?.scopes } }
	);
}

/**
 * Refuses every API token: for what would outlive the token (another token, a webhook) and is
 * therefore given by no scope.
 */
export function requireSignedIn(actor: Actor, what: string): void {
	if (actor.token) throw new AppError(AppErrorCode.Forbidden, `API tokens cannot ${what}; sign in`);
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
 * A record write in a space: only for a token with the `write` scope; rate-limited per user;
 * its record changes published only after the transaction has committed, so nobody is told
 * about a change that might still roll back.
 */
export async function writeInSpace<T extends { changes: RecordChange[] }>(
	context: AppContext,
	actor: Actor,
	spaceRef: string,
	work: (scope: SpaceScope) => Promise<T>
): Promise<T> {
	requireScope(actor, 'write');
	await context.kv.writeLimiter.consume(actor.userId);
	const result = await inSpace(context, actor, spaceRef, work);
	context.changes.publish(result.changes);
	return result;
}
