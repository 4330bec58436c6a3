// How live edits are stored: appended to record_updates by the group commit, folded into the
// record's base doc by compaction, and merged on load, with the EAV rows equal to the doc.
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealtimeClient } from '$lib/client/realtime';
import { fieldsOf, readFields } from '$lib/domain/realtime/ydoc';
import type { AppContext } from '$lib/server/context';
import { withActor } from '$lib/server/db';
import { getRecord } from '$lib/server/services/records';
import { openRecordDoc } from '$lib/server/services/records/collab';
import { bootTestApp, stopTestApp } from '../support/app';
import {
	SHEET,
	connectClient,
	createSheetFixture,
	startRealtimeServer,
	until,
	type RealtimeServer,
	type SheetFixture
} from '../support/realtime';

let context: AppContext;
let fixture: SheetFixture;
let server: RealtimeServer;
const clients: RealtimeClient[] = [];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Appended updates of a record, and the size of its stored base, read as its owner. */
function storage(id: string) {
	return withActor(context.db.runtime, fixture.owner.actor, async (tx) => {
		const appended = await tx.query<{ count: number }>(
			'select count(*)::int as count from record_updates where entity_id = $1',
			[id]
		);
		const base = await tx.query<{ bytes: number }>(
			'select length(state) as bytes from record_docs where entity_id = $1',
			[id]
		);
		return { appended: appended.rows[0]!.count, baseBytes: base.rows[0]?.bytes ?? 0 };
	});
}

beforeAll(async () => {
	context = await bootTestApp();
	fixture = await createSheetFixture(context, 3);
	server = await startRealtimeServer(context);
}, 60_000);

afterAll(async () => {
	for (const connected of clients) connected.close();
	await server?.close();
	await stopTestApp();
});

describe('stored live edits', () => {
	it('appends each edit, compacts after 200, and loads the same doc either way', async () => {
		const alice = await connectClient(server.url, fixture.tokens.editor);
		clients.push(alice);
		const id = fixture.recordIds[0]!;
		const doc = await alice.openDoc(id);
		const before = await storage(id);

		for (let k = 0; k < 20; k++) fieldsOf(doc).set('score', k);
		await alice.whenSettled();
		const appended = await storage(id);
		expect(appended.appended).toBeGreaterThanOrEqual(before.appended + 1);
		expect(appended.baseBytes).toBe(before.baseBytes);

		// Past the threshold, compaction folds the appended updates into the base.
		for (let k = 0; k < 230; k++) {
			const text = fieldsOf(doc).get('notes') as Y.Text;
			text.insert(text.length, `<${k}>`);
			if (k % 50 === 49) await sleep(300); // inside the socket's message budget
		}
		await alice.whenSettled();
		await until(
			async () => (await storage(id)).appended < 200,
			10_000,
			'the compaction to fold the appended updates'
		);
		expect((await storage(id)).baseBytes).toBeGreaterThan(before.baseBytes);

		// The stored doc (base plus whatever is appended) is the live one, and so are the rows.
		const opened = await openRecordDoc({ context, actor: fixture.owner.actor, id });
		const stored = new Y.Doc();
		Y.applyUpdate(stored, opened.state);
		expect(readFields(stored)).toEqual(readFields(doc));
		const record = await getRecord({ context, actor: fixture.owner.actor, id });
		expect(record.notes).toBe(readFields(doc).notes);
		expect(record.score).toBe(19);
	});

	it('folds appended updates into the base when REST writes the record', async () => {
		const bob = await connectClient(server.url, fixture.tokens.editor);
		clients.push(bob);
		const id = fixture.recordIds[1]!;
		const doc = await bob.openDoc(id);
		for (let k = 0; k < 5; k++) fieldsOf(doc).set('name', `Live ${k}`);
		await bob.whenSettled();
		expect((await storage(id)).appended).toBeGreaterThan(0);

		const { updateRecords } = await import('$lib/server/services/records');
		await updateRecords({
			context,
			actor: fixture.owner.actor,
			space: fixture.space.slug,
			type: SHEET,
			updates: [{ id, values: { score: 77 } }]
		});
		expect((await storage(id)).appended).toBe(0);
		await until(() => fieldsOf(doc).get('score') === 77, 5_000, 'the REST edit to arrive');
		const opened = await openRecordDoc({ context, actor: fixture.owner.actor, id });
		const stored = new Y.Doc();
		Y.applyUpdate(stored, opened.state);
		expect(readFields(stored)).toEqual(readFields(doc));
		expect(readFields(stored).name).toBe('Live 4');
	});
});
