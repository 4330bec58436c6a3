// Record changes leave the write path here, after their transaction commits. The realtime
// engine, the SSE stream and the cache listen; none of them writes the database back.
import { EventEmitter } from 'node:events';
import type { RecordChange } from '$lib/domain/record-change';

export interface ChangeBus {
	publish(changes: RecordChange[]): void;
	subscribe(listener: (changes: RecordChange[]) => void): () => void;
}

export function createChangeBus(): ChangeBus {
	const emitter = new EventEmitter();
	emitter.setMaxListeners(0);
	return {
		publish(changes) {
			if (changes.length > 0) emitter.emit('changes', changes);
		},
		subscribe(listener) {
			emitter.on('changes', listener);
			return () => emitter.off('changes', listener);
		}
	};
}

/**
 * Who may see or do what changed in a space: a member removed or given another role, an API
 * token revoked, the schema changed (a field's check-in access among it); or browser sessions
 * ended (signed out, "sign out everywhere", a password change), which span every space.
 * Published after the change commits; open connections (sockets, y-websocket, SSE) check their
 * access again, or close.
 */
export interface AccessChange {
	/** The space whose access changed; absent when only sessions ended. */
	spaceId?: string;
	/** Only this user's access changed; absent: anyone's in the space may have. */
	userId?: string;
	/** A revoked token: connections that authenticated with it are closed. */
	tokenId?: string;
	/** Ended sessions: connections that authenticated with one of their cookies are closed. */
	sessionIds?: string[];
	/** Arrived from another process through Redis: not passed on again. */
	remote?: boolean;
}

export interface AccessBus {
	publish(change: AccessChange): void;
	subscribe(listener: (change: AccessChange) => void): () => void;
}

export function createAccessBus(): AccessBus {
	const emitter = new EventEmitter();
	emitter.setMaxListeners(0);
	return {
		publish(change) {
			emitter.emit('access', change);
		},
		subscribe(listener) {
			emitter.on('access', listener);
			return () => emitter.off('access', listener);
		}
	};
}
