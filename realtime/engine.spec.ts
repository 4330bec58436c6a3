// The group commit's batching, with the persistence replaced by a recorder whose first commit
// waits until the test lets it go: edits that arrive meanwhile form the next batch.
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import type { EntityType } from '$lib/domain/schema';
import { fieldsOf } from '$lib/domain/realtime/ydoc';
import type { Actor } from '$lib/server/auth/actor';
import type { LiveEdit } from '$lib/server/services/records/live';
import { Engine } from './engine';

const SPACE = '11111111-1111-4111-8111-111111111111';
const RECORD = '22222222-2222-4222-8222-222222222222';
const type: EntityType = {
	id: '33333333-3333-4333-8333-333333333333',
	spaceId: SPACE,
	key: 'guests',
	name: 'Guests',
	position: 0,
	attributes: ['name', 'score'].map((key, index) => ({
		id: `4444444${index}-4444-4444-8444-444444444444`,
		entityTypeId: '33333333-3333-4333-8333-333333333333',
		key,
		name: key,
		kind: key === 'name' ? 'text' : 'number',
		options: {},
		position: index,
		isRequired: false,
		isUnique: false,
		checkinAccess: 'none'
	}))
};
const ada: Actor = { userId: '55555555-5555-4555-8555-555555555555', via: 'realtime' };
const bob: Actor = { userId: '66666666-6666-4666-8666-666666666666', via: 'realtime' };

/** The updates one change to a doc makes. */
function change(doc: Y.Doc, edit: () => void): Uint8Array {
	const updates: Uint8Array[] = [];
	const collect = (update: Uint8Array) => updates.push(update);
	doc.on('update', collect);
	edit();
	doc.off('update', collect);
	return Y.mergeUpdates(updates);
}

describe('group commit', () => {
	it('never puts two people’s writes of one field in one batch', async () => {
		const stored = new Y.Doc();
		fieldsOf(stored).set('name', 'Guest');
		const state = Y.encodeStateAsUpdate(stored);
		const batches: LiveEdit[][] = [];
		let release!: () => void;
		const firstCommit = new Promise<void>((resolve) => (release = resolve));
		const engine = new Engine([
			{
				onLoadDocument: async () => ({ spaceId: SPACE, type, role: 'editor', state }),
				beforeEdit: async () => undefined,
				async onStoreEdits(edits) {
					batches.push(edits);
					if (batches.length === 1) await firstCommit;
					return edits.map(() => null);
				}
			}
		]);
		const [adaDoc, bobDoc] = [new Y.Doc(), new Y.Doc()];
		Y.applyUpdate(adaDoc, state);
		Y.applyUpdate(bobDoc, state);
		const adaConnection = { id: 'ada', actor: ada };
		const bobConnection = { id: 'bob', actor: bob };
		await engine.open(adaConnection, RECORD);
		await engine.open(bobConnection, RECORD);

		// The first edit's commit is held; Ada then sets the score, Bob the name, and Ada the
		// name again after seeing Bob's. Written person after person, Ada's group would go first
		// and Bob's older name would land last.
		const first = engine.update(
			adaConnection,
			RECORD,
			change(adaDoc, () => fieldsOf(adaDoc).set('score', 1))
		);
		await new Promise((resolve) => setTimeout(resolve, 0));
		const score = change(adaDoc, () => fieldsOf(adaDoc).set('score', 2));
		const bobs = change(bobDoc, () => fieldsOf(bobDoc).set('name', 'Bob'));
		Y.applyUpdate(adaDoc, bobs);
		const adas = change(adaDoc, () => fieldsOf(adaDoc).set('name', 'Ada'));
		const rest = [
			engine.update(adaConnection, RECORD, score),
			engine.update(bobConnection, RECORD, bobs),
			engine.update(adaConnection, RECORD, adas)
		];
		await new Promise((resolve) => setTimeout(resolve, 0));
		release();
		await Promise.all([first, ...rest]);
		engine.close();

		for (const batch of batches) {
			const writers = new Map<string, string>();
			for (const edit of batch) {
				for (const value of edit.values) {
					const writer = writers.get(value.attribute.key);
					expect(writer === undefined || writer === edit.actor.userId).toBe(true);
					writers.set(value.attribute.key, edit.actor.userId);
				}
			}
		}
		// And the last write of the name, in commit order, is Ada's.
		const names = batches
			.flat()
			.flatMap((edit) =>
				edit.values.filter((value) => value.attribute.key === 'name').map((value) => value.value)
			);
		expect(names.at(-1)).toBe('Ada');
	});
});
