import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { checkPresence } from './presence';

const ME = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';

function update(state: unknown): Uint8Array {
	const awareness = new Awareness(new Y.Doc());
	awareness.setLocalState(state as Record<string, unknown> | null);
	const bytes = encodeAwarenessUpdate(awareness, [awareness.clientID]);
	awareness.destroy();
	return bytes;
}

describe('checkPresence', () => {
	it('accepts the sender’s own user, a state without a user, and a client leaving', () => {
		expect(checkPresence(update({ user: { id: ME, name: 'Me' } }), ME)).toBeNull();
		expect(checkPresence(update({}), ME)).toBeNull();
		expect(checkPresence(update(null), ME)).toBeNull();
	});

	it('refuses a state naming another user, or a user without an id', () => {
		expect(checkPresence(update({ user: { id: OTHER, name: 'Olivia' } }), ME)).toMatchObject({
			field: 'user.id'
		});
		expect(checkPresence(update({ user: { name: 'Olivia' } }), ME)).toMatchObject({
			field: 'user.id'
		});
	});

	it('refuses bytes that are not an awareness update', () => {
		expect(checkPresence(new Uint8Array([5, 1]), ME)).toMatchObject({ field: 'update' });
	});
});
