// The one presence rule, for every transport: a connection may only announce states that name
// its own user, or no user at all (a stock y-websocket provider starts with an empty state). Checked on the awareness bytes before they are applied or relayed, so an
// impostor's state never reaches anyone.
import * as decoding from 'lib0/decoding';

export interface PresenceProblem {
	field: 'user.id' | 'update';
	message: string;
}

/**
 * Reads a y-protocols awareness update and checks every state in it: each must be null (a
 * client leaving), an object without `user`, or one whose `user.id` equals `userId`. Returns
 * the first problem, or null.
 */
export function checkPresence(update: Uint8Array, userId: string): PresenceProblem | null {
	try {
		const decoder = decoding.createDecoder(update);
		const count = decoding.readVarUint(decoder);
		for (let index = 0; index < count; index++) {
			decoding.readVarUint(decoder); // client id
			decoding.readVarUint(decoder); // clock
			const state = JSON.parse(decoding.readVarString(decoder)) as unknown;
			if (state === null) continue;
			if (typeof state !== 'object' || Array.isArray(state)) {
				return { field: 'update', message: 'A presence state must be an object' };
			}
			const { user } = state as { user?: { id?: unknown } };
			if (user !== undefined && user?.id !== userId) {
				return { field: 'user.id', message: 'Presence must carry your own user id' };
			}
		}
		return null;
	} catch {
		return { field: 'update', message: 'The presence update is not valid awareness bytes' };
	}
}
