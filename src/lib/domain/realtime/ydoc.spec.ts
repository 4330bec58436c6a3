import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { checkUpdate, fieldsOf } from './ydoc';

const FIELDS = new Set(['name', 'score', 'notes']);
const TEXTS = new Set(['notes']);

/** A server doc and a client that starts from the same state. */
function pair() {
	const server = new Y.Doc();
	fieldsOf(server).set('name', 'Ada');
	fieldsOf(server).set('notes', new Y.Text('Note'));
	const client = new Y.Doc();
	Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
	return { server, client };
}

/** The updates a change to the client makes, one per transaction. */
function updatesOf(doc: Y.Doc, change: () => void): Uint8Array[] {
	const updates: Uint8Array[] = [];
	const collect = (update: Uint8Array) => updates.push(update);
	doc.on('update', collect);
	change();
	doc.off('update', collect);
	return updates;
}

describe('checkUpdate', () => {
	it('accepts field sets and long-text typing, however long the run of typing offline', () => {
		const { server, client } = pair();
		const before = Y.encodeStateVector(client);
		const text = fieldsOf(client).get('notes') as Y.Text;
		// Each character next to the previous one, with fixes in between: a chain of hundreds.
		for (let k = 0; k < 500; k++) {
			text.insert(text.length, 'x');
			if (k % 7 === 0) text.delete(text.length - 1, 1);
		}
		fieldsOf(client).set('score', 3);
		// And typing into a text the server already holds, from its start.
		text.insert(0, 'Dear ');
		const offline = Y.encodeStateAsUpdate(client, before);
		expect(checkUpdate(server, offline, FIELDS, TEXTS)).toBeNull();
		Y.applyUpdate(server, offline);
		expect(fieldsOf(server).get('score')).toBe(3);
	});

	it('accepts typing into an empty long text the server already holds', () => {
		const server = new Y.Doc();
		fieldsOf(server).set('notes', new Y.Text());
		const client = new Y.Doc();
		Y.applyUpdate(client, Y.encodeStateAsUpdate(server));
		const [typed] = updatesOf(client, () =>
			(fieldsOf(client).get('notes') as Y.Text).insert(0, 'Hi')
		);
		expect(checkUpdate(server, typed!, FIELDS, TEXTS)).toBeNull();
	});

	it('refuses an update that builds on one the server never got, before applying anything', () => {
		const { server, client } = pair();
		updatesOf(client, () => fieldsOf(client).set('score', 2));
		const [third] = updatesOf(client, () => fieldsOf(client).set('score', 3));
		expect(checkUpdate(server, third!, FIELDS, TEXTS)).toMatchObject({ code: 'out_of_sync' });
	});

	it('refuses content outside the fields, unknown fields and nested types other than a text', () => {
		const { server } = pair();
		// A fresh client per case: each update must follow on nothing the server lacks.
		const attempt = (change: (doc: Y.Doc) => void) => {
			const other = new Y.Doc();
			Y.applyUpdate(other, Y.encodeStateAsUpdate(server));
			const [update] = updatesOf(other, () => change(other));
			return checkUpdate(server, update!, FIELDS, TEXTS);
		};
		expect(attempt((doc) => doc.getArray('junk').push(['x']))).toMatchObject({
			code: 'bad_message'
		});
		expect(attempt((doc) => fieldsOf(doc).set('nope', 1))).toMatchObject({ code: 'bad_message' });
		expect(attempt((doc) => fieldsOf(doc).set('name', new Y.Map()))).toMatchObject({
			code: 'bad_message'
		});
		expect(attempt((doc) => fieldsOf(doc).set('name', 'Grace'))).toBeNull();
	});
});
