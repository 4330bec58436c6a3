// Two people saving one cell at the same moment: Yjs keeps one value, and neither writer had
// seen the other's. Both clients must be told (issue 14, fault 4), with both values, so the grid
// can offer "theirs / mine"; writes made one after the other are no clash.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocClash, RealtimeClient } from '$lib/client/realtime';
import { fieldsOf } from '$lib/domain/realtime/ydoc';
import type { AppContext } from '$lib/server/context';
import { getRecord } from '$lib/server/services/records';
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

async function client(role: 'owner' | 'editor') {
	const connected = await connectClient(server.url, fixture.tokens[role]);
	clients.push(connected);
	await connected.joinSheet(fixture.space.slug, SHEET);
	return connected;
}

function clashesOf(connected: RealtimeClient): DocClash[] {
	const seen: DocClash[] = [];
	connected.onClash((clash) => seen.push(clash));
	return seen;
}

beforeAll(async () => {
	context = await bootTestApp();
	fixture = await createSheetFixture(context, 4);
	server = await startRealtimeServer(context);
}, 60_000);

afterAll(async () => {
	for (const connected of clients) connected.close();
	await server?.close();
	await stopTestApp();
});

describe('two saves of one cell at the same moment', () => {
	// Yjs keeps the value of the higher client id: each order is tried, so the value that reaches
	// the server second both wins and loses.
	it.each([
		{ kept: 'owner', record: 0 },
		{ kept: 'editor', record: 3 }
	])(
		'tells both writers, with both values, when the $kept value is kept',
		async ({ kept: winner, record }) => {
			const owner = await client('owner');
			const editor = await client('editor');
			const id = fixture.recordIds[record]!;
			const ownerDoc = await owner.openDoc(id);
			const editorDoc = await editor.openDoc(id);
			ownerDoc.clientID = winner === 'owner' ? 2_000_000_002 : 2_000_000_001;
			editorDoc.clientID = winner === 'owner' ? 2_000_000_001 : 2_000_000_002;
			const ownerClashes = clashesOf(owner);
			const editorClashes = clashesOf(editor);

			// Both set the cell before either hears of the other's edit.
			fieldsOf(ownerDoc).set('name', 'Owner wrote this');
			fieldsOf(editorDoc).set('name', 'Editor wrote this');
			await Promise.all([owner.whenSettled(), editor.whenSettled()]);
			await until(
				() => ownerClashes.length > 0 && editorClashes.length > 0,
				5_000,
				'both writers to hear of the clash'
			);

			const kept = winner === 'owner' ? 'Owner wrote this' : 'Editor wrote this';
			expect(fieldsOf(ownerDoc).get('name')).toBe(kept);
			expect(fieldsOf(editorDoc).get('name')).toBe(kept);
			await until(
				async () => (await getRecord({ context, actor: fixture.owner.actor, id })).name === kept
			);
			expect(ownerClashes).toEqual([
				{
					doc: id,
					field: 'name',
					mine: 'Owner wrote this',
					theirs: 'Editor wrote this',
					resolved: kept,
					by: fixture.editor.id
				}
			]);
			expect(editorClashes).toEqual([
				{
					doc: id,
					field: 'name',
					mine: 'Editor wrote this',
					theirs: 'Owner wrote this',
					resolved: kept,
					by: fixture.owner.id
				}
			]);
		}
	);

	it('is no clash when one saves after seeing the other', async () => {
		const owner = await client('owner');
		const editor = await client('editor');
		const id = fixture.recordIds[1]!;
		const ownerDoc = await owner.openDoc(id);
		const editorDoc = await editor.openDoc(id);
		const ownerClashes = clashesOf(owner);
		const editorClashes = clashesOf(editor);

		fieldsOf(ownerDoc).set('score', 100);
		await owner.whenSettled();
		await until(() => fieldsOf(editorDoc).get('score') === 100, 5_000, 'the editor to see it');
		fieldsOf(editorDoc).set('score', 200);
		await editor.whenSettled();
		await until(() => fieldsOf(ownerDoc).get('score') === 200, 5_000, 'the owner to see it');
		expect(ownerClashes).toEqual([]);
		expect(editorClashes).toEqual([]);
	});

	it('tells a writer who was offline, when their edit meets a newer one on reconnect', async () => {
		const owner = await client('owner');
		const editor = await client('editor');
		const id = fixture.recordIds[2]!;
		const ownerDoc = await owner.openDoc(id);
		const editorDoc = await editor.openDoc(id);
		const editorClashes = clashesOf(editor);
		const ownerClashes = clashesOf(owner);

		editor.disconnect();
		fieldsOf(editorDoc).set('score', 20);
		fieldsOf(ownerDoc).set('score', 10);
		await owner.whenSettled();
		editor.connect();
		await until(
			() => editorClashes.length > 0 && ownerClashes.length > 0,
			10_000,
			'both to hear of the clash'
		);
		expect(editorClashes[0]).toMatchObject({ field: 'score', mine: 20, theirs: 10 });
		expect(ownerClashes[0]).toMatchObject({ field: 'score', mine: 10, theirs: 20 });
	});
});
