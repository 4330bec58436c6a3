// The typed Prisma client for the relational parts, on the same runtime-role pool and under the
// same Row Level Security as the hand-written SQL in db.ts.
import { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import { PrismaClient, type Prisma } from '../../generated/prisma/client';
import type { Actor } from './auth/actor';
import { actAsStatement } from './db';

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
 * Runs `work` in one interactive transaction as `actor`: Prisma's opening of what `withActor`
 * opens for pg, with the same identity statement (db.ts). The pooled connection forgets the
 * caller at commit or rollback; outside such a transaction no identity is set and the policies
 * show no tenant rows at all.
 */
export function withPrismaActor<T>(
	prisma: PrismaClient,
	actor: Actor,
	work: (tx: PrismaTx) => Promise<T>
): Promise<T> {
	const actAs = actAsStatement(actor);
	return prisma.$transaction(async (tx) => {
		await tx.$executeRawUnsafe(actAs);
		return work(tx);
	});
}
