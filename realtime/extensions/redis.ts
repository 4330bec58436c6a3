// Scale-out: socket.io's Redis adapter joins the processes (presence relays through it), and
// each durable change is passed to the other processes once, tagged as remote, so they bring
// their loaded docs along and deliver it to their own sockets without storing it again.
// While Redis is away every process goes on serving its own clients; when it is back, each
// reloads its open docs from Postgres (where every process stored everything) and passes on
// what it missed.
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import type { Server } from 'socket.io';
import type { RecordChange } from '$lib/domain/record-change';
import type { AccessChange } from '$lib/server/changes';

const CHANGES_EVENT = 'roster:changes';
/** Asks the other processes to reload their open docs: this one dropped changes it could not pass on. */
const RESYNC_EVENT = 'roster:resync';
/** An access change (member, token, schema): every process checks its open connections again. */
const ACCESS_EVENT = 'roster:access';

/** serverSideEmit travels as JSON: the Yjs bytes go as base64. */
type WireChange = Omit<RecordChange, 'update'> & { update?: string };

export interface RedisExtension {
	forward(changes: RecordChange[]): void;
	forwardAccess(change: AccessChange): void;
	close(): Promise<void>;
}

export function attachRedis(options: {
	io: Server;
	redis: Redis;
	onRemote: (changes: RecordChange[]) => void;
	onRemoteAccess: (change: AccessChange) => void;
	onReconnect: () => void;
}): RedisExtension {
	const { io, redis } = options;
	// The adapter publishes without awaiting: a publish must never reject, or it would be an
	// unhandled rejection. So the publisher queues while Redis is away (forward() below skips
	// changes then: the reconnect resync covers them) and never gives up on a command.
	const pub = redis.duplicate({ maxRetriesPerRequest: null });
	const sub = redis.duplicate();
	// Errors while Redis is away are expected; ioredis reconnects on its own.
	pub.on('error', () => undefined);
	sub.on('error', () => undefined);
	io.adapter(createAdapter(pub, sub, { key: 'roster:socket.io' }));

	// Back from a gap, each side catches up from Postgres: the subscriber reloads this process's
	// docs (it heard nothing meanwhile), and the publisher, if forward() dropped changes while it
	// was away, asks the other processes to reload theirs. The two reconnect independently, so
	// the subscriber may be back while the publisher is still waiting out its retry backoff.
	let subWasDown = false;
	sub.on('close', () => (subWasDown = true));
	sub.on('ready', () => {
		if (!subWasDown) return;
		subWasDown = false;
		options.onReconnect();
	});
	let dropped = false;
	pub.on('ready', () => {
		if (!dropped) return;
		dropped = false;
		try {
			io.serverSideEmit(RESYNC_EVENT);
		} catch {
			dropped = true;
		}
	});
	io.on(RESYNC_EVENT, () => options.onReconnect());

	io.on(ACCESS_EVENT, (change: AccessChange) => {
		if (!change) return;
		const isSpaceChange = typeof change.spaceId === 'string';
		const isSessionsEnded =
			Array.isArray(change.sessionIds) && change.sessionIds.every((id) => typeof id === 'string');
		if (isSpaceChange || isSessionsEnded) options.onRemoteAccess(change);
	});

	io.on(CHANGES_EVENT, (changes: WireChange[]) => {
		if (!Array.isArray(changes)) return;
		options.onRemote(
			changes.map((change) => ({
				...change,
				update:
					typeof change.update === 'string'
						? new Uint8Array(Buffer.from(change.update, 'base64'))
						: undefined
			}))
		);
	});

	return {
		forward(changes) {
			if (pub.status !== 'ready') {
				dropped = true;
				return;
			}
			const wire: WireChange[] = changes.map((change) => ({
				...change,
				update: change.update ? Buffer.from(change.update).toString('base64') : undefined
			}));
			try {
				io.serverSideEmit(CHANGES_EVENT, wire);
			} catch {
				// Redis went away between the check and the publish: the resync on its return covers it.
				dropped = true;
			}
		},
		forwardAccess(change) {
			try {
				io.serverSideEmit(ACCESS_EVENT, change);
			} catch {
				// Redis is away: the other processes' SSE streams still re-check on their timer, but
				// their sockets keep their access until the next change reaches them.
			}
		},
		async close() {
			// Nothing queued needs delivering at shutdown; quit() would wait for a Redis that
			// may be gone. A client still connecting is given a moment, though: disconnecting it
			// rejects the adapter's own subscribe calls, which nobody awaits.
			const ready = (client: Redis) =>
				client.status === 'ready'
					? undefined
					: new Promise((resolve) => client.once('ready', resolve));
			const cap = new Promise((resolve) => setTimeout(resolve, 1_000).unref());
			await Promise.race([Promise.all([ready(pub), ready(sub)]), cap]);
			pub.disconnect();
			sub.disconnect();
		}
	};
}
