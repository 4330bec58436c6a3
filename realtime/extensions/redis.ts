// Scale-out: socket.io's Redis adapter joins the processes (presence relays through it), and
// each durable change is passed to the other processes once, tagged as remote, so they bring
// their loaded docs along and deliver it to their own sockets without storing it again.
// While Redis is away every process goes on serving its own clients; when it is back, each
// reloads its open docs from Postgres (where every process stored everything) and passes on
// what it missed.
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import type { Server } from 'socket.io';
import type { RecordChange } from '$lib/server/changes';

const CHANGES_EVENT = 'roster:changes';

/** serverSideEmit travels as JSON: the Yjs bytes go as base64. */
type WireChange = Omit<RecordChange, 'update'> & { update?: string };

export interface RedisExtension {
	forward(changes: RecordChange[]): void;
	close(): Promise<void>;
}

export function attachRedis(options: {
	io: Server;
	redis: Redis;
	onRemote: (changes: RecordChange[]) => void;
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

	let wasDown = false;
	sub.on('close', () => (wasDown = true));
	sub.on('ready', () => {
		if (!wasDown) return;
		wasDown = false;
		options.onReconnect();
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
			if (pub.status !== 'ready') return;
			const wire: WireChange[] = changes.map((change) => ({
				...change,
				update: change.update ? Buffer.from(change.update).toString('base64') : undefined
			}));
			try {
				io.serverSideEmit(CHANGES_EVENT, wire);
			} catch {
				// Redis went away between the check and the publish: the reconnect resync covers it.
			}
		},
		async close() {
			// Nothing queued needs delivering at shutdown; quit() would wait for a Redis that
			// may be gone.
			pub.disconnect();
			sub.disconnect();
		}
	};
}
