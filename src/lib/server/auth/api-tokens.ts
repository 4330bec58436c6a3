// API tokens: a secret that acts as its creator in one space with at most the creator's role,
// and only for what its scopes say (domain/token-scopes.ts), chosen at creation.
// Only the SHA-256 of the secret is stored; the secret itself is returned once, at creation.
// The database narrows a token again on every request (`app_memberships` takes the lower of the
// token's role and the member's current role), so demoting or removing a member also narrows
// or disables their tokens.
import { createHash, randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import { isAtMost, roles, type Role } from '$lib/domain/roles';
import {
	defaultScopes,
	isTokenScope,
	scopesOfRole,
	tokenScopes,
	type TokenScope
} from '$lib/domain/token-scopes';
import type { AppContext } from '../context';
import { inSpace, requireSignedIn } from '../services/scope';
import { parseInput } from '../services/validate';
import type { Actor } from './actor';

const SECRET_PREFIX = 'rst_';

export interface ApiToken {
	id: string;
	name: string;
	role: Role;
	scopes: TokenScope[];
	createdAt: Date;
	lastUsedAt: Date | null;
	expiresAt: Date | null;
}

const createInput = z.object({
	name: z
		.string({ error: 'is required' })
		.trim()
		.min(1, 'is required')
		.max(100, 'must be at most 100 characters'),
	role: z.enum(roles, { error: `must be one of ${roles.join(', ')}` }),
	scopes: z
		.array(z.string(), { error: `must be a list of ${tokenScopes.join(', ')}` })
		.refine((scopes) => scopes.every(isTokenScope), `must each be one of ${tokenScopes.join(', ')}`)
		.refine((scopes) => scopes.includes('read'), 'must include read: every token reads')
		.transform((scopes) => scopes as TokenScope[])
		.optional(),
	expiresInDays: z.number().int().min(1).max(3650).optional()
});

const tokenId = z.uuid('must be a token id');

const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

const columns = `id, name, role, scopes, created_at as "createdAt", last_used_at as "lastUsedAt",
	expires_at as "expiresAt"`;

// A token minting tokens could outlive its own expiry or revocation: no scope allows it.
const refuseTokenActor = (actor: Actor) => requireSignedIn(actor, 'manage API tokens');

/**
 * The scopes asked for, in their canonical order, or the role's defaults. A scope the token's
 * role does not allow is refused, naming the field.
 */
function scopesFor(role: Role, asked: TokenScope[] | undefined): TokenScope[] {
	if (!asked) return defaultScopes(role);
	const beyond = asked.find((scope) => !scopesOfRole[role].includes(scope));
	if (beyond) {
		throw new AppError(
			AppErrorCode.Forbidden,
			`A ${role} token cannot have the "${beyond}" scope`,
			{ field: 'scopes' }
		);
	}
	return tokenScopes.filter((scope) => asked.includes(scope));
}

export async function createApiToken(options: {
	context: AppContext;
	actor: Actor;
	space: string;
	input: unknown;
}): Promise<ApiToken & { secret: string }> {
	const { context, actor } = options;
	refuseTokenActor(actor);
	const input = parseInput(createInput, options.input);
	return inSpace(context, actor, options.space, async ({ tx, space }) => {
		if (!isAtMost(input.role, space.role)) {
			throw new AppError(
				AppErrorCode.Forbidden,
				`A token may not have more rights than your role (${space.role})`,
				{ field: 'role' }
			);
		}
		const scopes = scopesFor(input.role, input.scopes);
		const secret = SECRET_PREFIX + randomBytes(32).toString('base64url');
		const { rows } = await tx.query<ApiToken>(
			`insert into api_tokens (space_id, user_id, name, token_hash, role, scopes, expires_at)
			 values ($1, $2, $3, $4, $5, $6, now() + make_interval(days => $7::int))
			 returning ${columns}`,
			[
				space.id,
				actor.userId,
				input.name,
				hashSecret(secret),
				input.role,
				scopes,
				input.expiresInDays
			]
		);
		return { ...rows[0]!, secret };
	});
}

/** The caller's own active tokens in the space (the policy shows no one else's). */
export function listApiTokens(options: {
	context: AppContext;
	actor: Actor;
	space: string;
}): Promise<ApiToken[]> {
	return inSpace(options.context, options.actor, options.space, async ({ tx, space }) => {
		const { rows } = await tx.query<ApiToken>(
			`select ${columns} from api_tokens
			  where space_id = $1 and user_id = $2 and revoked_at is null
			  order by created_at desc`,
			[space.id, options.actor.userId]
		);
		return rows;
	});
}

export function revokeApiToken(options: {
	context: AppContext;
	actor: Actor;
	space: string;
	id: string;
}): Promise<void> {
	const { context, actor } = options;
	refuseTokenActor(actor);
	const id = parseInput(tokenId, options.id);
	return inSpace(context, actor, options.space, async ({ tx, space }) => {
		const { rowCount } = await tx.query(
			`update api_tokens set revoked_at = now()
			  where id = $1 and space_id = $2 and user_id = $3 and revoked_at is null`,
			[id, space.id, actor.userId]
		);
		if (!rowCount) throw new AppError(AppErrorCode.NotFound, 'Token not found', { field: 'id' });
		return space.id;
	}).then((spaceId) => context.access.publish({ spaceId, userId: actor.userId, tokenId: id }));
}

const unauthorized = () =>
	new AppError(AppErrorCode.Unauthorized, 'The API token is invalid, revoked or expired');

/** How long a resolved token is kept in process; a revocation drops it at once (below). */
const TOKEN_CACHE_MS = 10_000;
const TOKEN_CACHE_ENTRIES = 10_000;

interface CachedToken {
	actor: Actor;
	/** Epoch ms when the token expires; null when it never does. */
	expiresAt: number | null;
}

interface TokenCache {
	entries: LRUCache<string, CachedToken>;
	/** Bumped on every access change: a lookup that started before one is not kept. */
	generation: number;
}

const tokenCaches = new WeakMap<AppContext, TokenCache>();

/**
 * The process's cache of token lookups. Any access change (a token revoked, a member removed or
 * demoted, a schema change, sessions ended) empties it at once. The access bus carries the
 * changes of other processes too (through Redis, realtime/extensions/redis.ts), so a token
 * revoked anywhere stops working everywhere as soon as the change arrives; the short lifetime
 * bounds the rest (a member removed by hand in SQL, Redis down).
 */
function tokenCache(context: AppContext): TokenCache {
	const cache = tokenCaches.get(context);
	if (cache) return cache;
	const created: TokenCache = {
		entries: new LRUCache({ max: TOKEN_CACHE_ENTRIES, ttl: TOKEN_CACHE_MS }),
		generation: 0
	};
	const unsubscribe = context.access.subscribe(() => {
		created.generation++;
		created.entries.clear();
	});
	context.onClose(async () => unsubscribe());
	tokenCaches.set(context, created);
	return created;
}

const copyActor = (actor: Actor): Actor => ({
	...actor,
	token: actor.token && { ...actor.token, scopes: [...actor.token.scopes] }
});

/** The actor behind an `Authorization: Bearer rst_...` header. */
export async function resolveBearer(options: {
	context: AppContext;
	header: string | null;
}): Promise<Actor> {
	const secret = /^Bearer\s+(\S+)\s*$/i.exec(options.header ?? '')?.[1];
	if (!secret?.startsWith(SECRET_PREFIX)) throw unauthorized();
	const hash = hashSecret(secret);
	const cache = tokenCache(options.context);
	const cached = cache.entries.get(hash);
	if (cached && (cached.expiresAt === null || cached.expiresAt > Date.now()))
		return copyActor(cached.actor);
	const generation = cache.generation;
	// One statement, no identity set: it runs in its own implicit transaction, a single round
	// trip, and only on a cache miss.
	const { rows } = await options.context.db.runtime.query<{
		id: string;
		user_id: string;
		space_id: string;
		role: Role;
		scopes: TokenScope[];
		expires_at: Date | null;
	}>({
		name: 'app_resolve_token',
		text: 'select id, user_id, space_id, role, scopes, expires_at from app_resolve_token($1)',
		values: [hash]
	});
	const token = rows[0];
	if (!token) throw unauthorized();
	const actor: Actor = {
		userId: token.user_id,
		via: 'api',
		token: { id: token.id, spaceId: token.space_id, role: token.role, scopes: token.scopes }
	};
	if (cache.generation === generation)
		cache.entries.set(hash, { actor, expiresAt: token.expires_at?.getTime() ?? null });
	return copyActor(actor);
}
