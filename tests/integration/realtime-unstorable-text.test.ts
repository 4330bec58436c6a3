// A NUL typed into a cell over the socket: refused as invalid_value naming the field, nothing
// stored, and the socket carries on. Postgres cannot hold U+0000 in text or jsonb, so a socket
// edit must meet the same edge check as a REST one (issue 12, fault 9).
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RealtimeClient } from '$lib/client/realtime';
import { fieldsOf, readField } from '$lib/domain/realtime/ydoc';
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
let alice: RealtimeClient | undefined;

beforeAll(async () => {
	context = await bootTestApp();
	fixture = await createSheetFixture(context, 2);
	server = await startRealtimeServer(context);
}, 60_000);

afterAll(async () => {
	alice?.close();
	await server?.close();
	await stopTestApp();
});

describe('a NUL in a socket edit', () => {
	it('is refused naming the field, stores nothing, and the socket carries on', async () => {
		alice = await connectClient(server.url, fixture.tokens.editor);
		await alice.joinSheet(fixture.space.slug, SHEET);
		const id = fixture.recordIds[0]!;
		const doc = await alice.openDoc(id);
		const before = await getRecord({ context, actor: fixture.owner.actor, id });
		const problems: { code: string; field?: string }[] = [];
		alice.onProblem((problem) => problems.push(problem));

		fieldsOf(doc).set('name', 'Ada\u0000Lovelace');
		const notes = new Y.Text();
		fieldsOf(doc).set('notes', notes);
		notes.insert(0, 'line\u0000two');
		await alice.whenSettled();
		expect(problems).toContainEqual(
			expect.objectContaining({ code: 'invalid_value', field: 'name' })
		);
		await until(() => readField(doc, 'name') === before.name, 5_000, 'the correction');

		fieldsOf(doc).set('score', 7);
		await alice.whenSettled();
		const after = await getRecord({ context, actor: fixture.owner.actor, id });
		expect(after.name).toBe(before.name);
		expect(String(after.notes ?? '')).not.toContain('\u0000');
		expect(after.score).toBe(7);
	});
});
