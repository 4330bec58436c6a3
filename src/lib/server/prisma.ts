// The typed Prisma client for the relational parts, on the same runtime-role pool and under the
// same Row Level Security as the hand-written SQL in db.ts.
import { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import type { SpaceAccess } from '$lib/domain/schema';
import { PrismaClient, type Prisma } from '../../generated/prisma/client';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import type { Actor } from './auth/actor';

export type { PrismaClient };
export type PrismaTx = Prisma.TransactionClient;

/**
 * A client over `pool`, which must be the runtime-role pool: the adapter borrows its
 * connections (and leaves the pool open on `$disconnect`, since the app owns it), so Prisma
 * queries meet the same policies as every other query.
 */
export function createPrisma(pool: pg.Pool): PrismaClient {
	return new PrismaClient({ adapter: new PrismaPg(pool) });
}

/**
 * Runs `work` in one interactive transaction as `actor`, the Prisma twin of `withActor`. The
 * settings are transaction-local (`set_config(..., true)`), so the pooled connection forgets
 * the caller at commit or rollback. Outside such a transaction no identity is set and the
 * policies show no tenant rows at all.
 */
export function withPrismaActor<T>(
	prisma: PrismaClient,
	actor: Actor,
	work: (tx: PrismaTx) => Promise<T>
): Promise<T> {
	return prisma.$transaction(async (tx) => {
		await tx.$executeRaw`select set_config('app.current_user_id', ${actor.userId}, true),
			set_config('app.token_space', ${actor.token?.spaceId ?? ''}, true),
			set_config('app.token_role', ${actor.token?.role ?? ''}, true)`;
		return work(tx);
	});
}

/** The space by slug or id with the caller's effective role, as `resolveSpace` does for pg. */
export async function resolvePrismaSpace(tx: PrismaTx, slugOrId: string): Promise<SpaceAccess> {
	const rows = await tx.$queryRaw<SpaceAccess[]>`
		select s.id, s.slug, s.name, m.role, s.schema_version::int as "schemaVersion"
		  from spaces s join app_memberships() m on m.space_id = s.id
		 where s.slug = ${slugOrId} or s.id::text = ${slugOrId}`;
	if (!rows[0])
		throw new AppError(AppErrorCode.NotFound, `Space "${slugOrId}" not found`, { field: 'space' });
	return rows[0];
}
