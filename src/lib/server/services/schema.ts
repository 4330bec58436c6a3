// Entity types and their attributes as the caller may see them. Reads go through RLS, so a
// check-in member gets only the types and fields check-in needs; the cache is keyed by role
// for the same reason and dropped on every schema change.
import { LRUCache } from 'lru-cache';
import { isUuid } from '$lib/domain/ids';
import type { Attribute, EntityType, SpaceAccess } from '$lib/domain/schema';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import type { Cache } from '../adapters/redis/cache';
import { redisKey } from '../adapters/redis/keys';
import type { Tx } from '../db';
import type { PrismaTx } from '../prisma';

const SCHEMA_TTL_SECONDS = 300;
// Keyed by role (policies show a check-in member fewer fields) and by the committed schema
// version, so an entry can never outlive the schema it describes: no invalidation to race.
const schemaKey = (space: SpaceAccess) =>
	redisKey('schema', space.id, space.role, String(space.schemaVersion));

/**
 * The space named by slug or id, with the caller's effective role; 404 when not a member. Takes
 * a pg transaction (withActor) or a Prisma one (withPrismaActor).
 */
export async function resolveSpace(tx: Tx | PrismaTx, slugOrId: string): Promise<SpaceAccess> {
	const text = `select s.id, s.slug, s.name, m.role, s.schema_version::int as "schemaVersion",
	                      s.locale, s.week_start as "weekStart"
	                from spaces s join app_memberships() m on m.space_id = s.id
	               where ${isUuid(slugOrId) ? 's.id = $1::uuid' : 's.slug = $1'}`;
	const rows =
		'$queryRawUnsafe' in tx
			? await tx.$queryRawUnsafe<SpaceAccess[]>(text, slugOrId)
			: (await tx.query<SpaceAccess>(text, [slugOrId])).rows;
	// A forged or foreign space id looks exactly like one that does not exist.
	if (!rows[0])
		throw new AppError(AppErrorCode.NotFound, `Space "${slugOrId}" not found`, { field: 'space' });
	return rows[0];
}

export async function loadEntityTypes(options: {
	tx: Tx;
	space: SpaceAccess;
	cache?: Cache;
}): Promise<EntityType[]> {
	const { tx, space, cache } = options;
	const key = schemaKey(space);
	const cached = await cachedEntityTypes(space, cache);
	if (cached) return cached;

	const types = await tx.query<Omit<EntityType, 'attributes'>>(
		`select id, space_id as "spaceId", key, name, position
		   from entity_types where space_id = $1 order by position, created_at`,
		[space.id]
	);
	const attributes = await tx.query<Attribute>(
		`select id, entity_type_id as "entityTypeId", key, name, kind, options, position,
		        is_required as "isRequired", is_unique as "isUnique", checkin_access as "checkinAccess"
		   from attributes where space_id = $1 order by position, created_at`,
		[space.id]
	);
	const result = types.rows.map((type) => ({
		...type,
		attributes: attributes.rows.filter((attribute) => attribute.entityTypeId === type.id)
	}));
	await cache?.set(key, result, SCHEMA_TTL_SECONDS);
	recentSchemas.set(key, JSON.stringify(result));
	return result;
}

/**
 * The last schemas this process read, in front of the shared cache: an entry is keyed by the
 * schema version, so it can never be stale, and a hit costs no trip to Redis. Kept as JSON so
 * every caller gets its own copy.
 */
const recentSchemas = new LRUCache<string, string>({
	max: 500,
	ttl: SCHEMA_TTL_SECONDS * 1000
});

/** The space's schema from the caches, without a query; undefined when neither has it. */
export async function cachedEntityTypes(
	space: SpaceAccess,
	cache?: Cache
): Promise<EntityType[] | undefined> {
	const key = schemaKey(space);
	const recent = recentSchemas.get(key);
	if (recent) return JSON.parse(recent) as EntityType[];
	const cached = await cache?.get<EntityType[]>(key);
	if (cached) recentSchemas.set(key, JSON.stringify(cached));
	return cached;
}

/** Marks the space's schema as changed, in the caller's transaction (editors and owners). */
export async function bumpSchemaVersion(tx: Tx, spaceId: string): Promise<void> {
	await tx.query('select app_bump_schema_version($1)', [spaceId]);
}

export function findEntityType(types: EntityType[], keyOrId: string): EntityType {
	const type = types.find((candidate) => candidate.key === keyOrId || candidate.id === keyOrId);
	if (!type) {
		throw new AppError(AppErrorCode.NotFound, `Record type "${keyOrId}" not found`, {
			field: 'type'
		});
	}
	return type;
}

export function findAttribute(type: EntityType, keyOrId: string): Attribute {
	const attribute = type.attributes.find(
		(candidate) => candidate.key === keyOrId || candidate.id === keyOrId
	);
	if (!attribute) {
		throw new AppError(AppErrorCode.UnknownAttribute, `"${type.key}" has no field "${keyOrId}"`, {
			field: keyOrId
		});
	}
	return attribute;
}
