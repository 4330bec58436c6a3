// The Prisma client meets the same Row Level Security as the hand-written SQL: inside
// withPrismaActor a user sees their own spaces only, and without an actor nothing at all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '$lib/server/context';
import { createPrisma, withPrismaActor, type PrismaClient } from '$lib/server/prisma';
import { addAttribute } from '$lib/server/services/attributes';
import { createEntityType } from '$lib/server/services/entity-types';
import { createRecords } from '$lib/server/services/records';
import { bootTestApp, createSpace, createUser, stopTestApp, type TestUser } from '../support/app';

let context: AppContext;
let prisma: PrismaClient;
let alice: TestUser;
let bob: TestUser;
let aliceSpace: { id: string; slug: string };
let bobSpace: { id: string; slug: string };

async function seed(owner: TestUser, space: { slug: string }, guest: string) {
	const actor = owner.actor;
	await createEntityType({ context, actor, space: space.slug, input: { name: 'Guests' } });
	await addAttribute({
		context,
		actor,
		space: space.slug,
		type: 'guests',
		input: { name: 'Name', kind: 'text' }
	});
	await createRecords({
		context,
		actor,
		space: space.slug,
		type: 'guests',
		values: [{ name: guest }]
	});
}

beforeAll(async () => {
	context = await bootTestApp();
	prisma = createPrisma(context.db.runtime);
	alice = await createUser(context, 'Alice');
	bob = await createUser(context, 'Bob');
	aliceSpace = await createSpace(context, alice, 'Alice Events');
	bobSpace = await createSpace(context, bob, 'Bob Events');
	await seed(alice, aliceSpace, 'Ada');
	await seed(bob, bobSpace, 'Grace');
});

afterAll(async () => {
	await prisma.$disconnect();
	await stopTestApp();
});

describe('Prisma under Row Level Security', () => {
	it("shows a user their own space's rows and none of another's", async () => {
		const seen = await withPrismaActor(prisma, alice.actor, async (tx) => ({
			entityTypes: await tx.entityType.findMany({ select: { spaceId: true, key: true } }),
			values: await tx.eavValue.findMany({ select: { spaceId: true, valueText: true } }),
			bobsTypes: await tx.entityType.count({ where: { spaceId: bobSpace.id } })
		}));

		expect(seen.entityTypes).toEqual([{ spaceId: aliceSpace.id, key: 'guests' }]);
		expect(seen.values).toEqual([{ spaceId: aliceSpace.id, valueText: 'Ada' }]);
		// Naming the other space explicitly does not get past the policy either.
		expect(seen.bobsTypes).toBe(0);
	});

	it('keeps each actor to their own space on a shared pool', async () => {
		const [aliceValues, bobValues] = await Promise.all([
			withPrismaActor(prisma, alice.actor, (tx) =>
				tx.eavValue.findMany({ select: { valueText: true } })
			),
			withPrismaActor(prisma, bob.actor, (tx) =>
				tx.eavValue.findMany({ select: { valueText: true } })
			)
		]);
		expect(aliceValues).toEqual([{ valueText: 'Ada' }]);
		expect(bobValues).toEqual([{ valueText: 'Grace' }]);
	});

	it('shows nothing without an actor, also right after an actor used the connection', async () => {
		await withPrismaActor(prisma, alice.actor, (tx) => tx.eavValue.count());

		expect(await prisma.eavValue.findMany()).toEqual([]);
		expect(await prisma.entityType.findMany()).toEqual([]);
	});
});
