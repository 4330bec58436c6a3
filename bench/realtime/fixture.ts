// The bench sheet: a user, a space, an "Attendees" type with a text field `name` and a number
// field `score`, its records and an editor API token, all made through the app's own services
// as the runtime role, so the sheet is exactly what a user would have.
import { randomUUID } from 'node:crypto';
import type { Actor } from '$lib/server/auth/actor';
import { createApiToken } from '$lib/server/auth/api-tokens';
import type { AppContext } from '$lib/server/context';
import { withActor, withAnonymous } from '$lib/server/db';
import { addAttribute } from '$lib/server/services/attributes';
import { createEntityType } from '$lib/server/services/entity-types';
import { createRecords } from '$lib/server/services/records';

export interface SheetFixture {
	spaceId: string;
	typeId: string;
	typeKey: string;
	recordIds: string[];
	/** Secret of an editor API token, for the socket handshake (`auth: { token }`). */
	token: string;
}

const BATCH = 500;

export async function createSheet(context: AppContext, records: number): Promise<SheetFixture> {
	const email = `bench.realtime.${randomUUID().slice(0, 8)}@example.test`;
	const userId = await withAnonymous(context.db.runtime, async (tx) => {
		const { rows } = await tx.query<{ id: string }>(
			'select app_register_user($1, $2, null) as id',
			[email, 'Realtime Bench']
		);
		return rows[0]!.id;
	});
	const actor: Actor = { userId, via: 'web' };
	const spaceId = await withActor(context.db.runtime, actor, async (tx) => {
		const { rows } = await tx.query<{ id: string }>('select app_create_space($1, $2) as id', [
			`bench-rt-${randomUUID().slice(0, 8)}`,
			'Realtime Bench'
		]);
		return rows[0]!.id;
	});
	const type = await createEntityType({
		context,
		actor,
		space: spaceId,
		input: { name: 'Attendees', key: 'attendees' }
	});
	for (const field of [
		{ key: 'name', name: 'Name', kind: 'text' },
		{ key: 'score', name: 'Score', kind: 'number' }
	]) {
		await addAttribute({ context, actor, space: spaceId, type: type.key, input: field });
	}
	const recordIds: string[] = [];
	for (let first = 0; first < records; first += BATCH) {
		const values = Array.from({ length: Math.min(BATCH, records - first) }, (_, offset) => ({
			name: `Attendee ${first + offset + 1}`,
			score: first + offset + 1
		}));
		const result = await createRecords({
			context,
			actor,
			space: spaceId,
			type: type.key,
			values
		});
		recordIds.push(...result.created.map((record) => record.id));
	}
	const token = await createApiToken({
		context,
		actor,
		space: spaceId,
		input: { name: 'realtime bench', role: 'editor' }
	});
	return { spaceId, typeId: type.id, typeKey: type.key, recordIds, token: token.secret };
}
