// Starts live collaboration on an HTTP server: the engine with its Postgres persistence, the
// socket.io and y-websocket transports, and Redis scale-out when REDIS_URL is set.
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { RecordChange } from '$lib/domain/record-change';
import { MAX_FRAME_BYTES } from '$lib/domain/realtime/protocol';
import { Origin } from '$lib/domain/realtime/ydoc';
import type { AccessChange } from '$lib/server/changes';
import type { AppContext } from '$lib/server/context';
import { compactRecordDoc, openRecordDoc } from '$lib/server/services/records/collab';
import { commitCheckedEdit, commitLiveEdits } from '$lib/server/services/records/live';
import { requireScope } from '$lib/server/services/scope';
import { authenticate } from './auth';
import { Engine, type Extension } from './engine';
import { attachRedis, type RedisExtension } from './extensions/redis';
import { Fanout } from './fanout';
import { attachSocketTransport } from './transports/socket-io';
import { attachYWebsocket } from './transports/y-websocket';

export interface Realtime {
	io: Server;
	engine: Engine;
	close(): Promise<void>;
}

/** The engine's data hooks, on Postgres through the services (every one an RLS transaction). */
function postgresPersistence(context: AppContext): Extension {
	return {
		onAuthenticate: (credentials) => authenticate(context, credentials),
		onLoadDocument: (actor, id) => openRecordDoc({ context, actor, id }),
		// A live edit is a record write: a token needs the `write` scope. Then a per-user budget
		// shared by every socket, and by every process when the limiter is on Redis (its own: a
		// long text sends an update per keystroke).
		beforeEdit: async (actor) => {
			requireScope(actor, 'write');
			await context.kv.liveEditLimiter.consume(actor.userId);
		},
		onStoreEdits: (edits) => commitLiveEdits(context, edits),
		onStoreCheckedEdit: (edit, refuse) => commitCheckedEdit(context, edit, refuse),
		onCompact: (actor, spaceId, id) => compactRecordDoc({ context, actor, spaceId, id }),
		// Through the change bus, like every other write path's changes (below).
		onChanges: (changes) => context.changes.publish(changes)
	};
}

export function startRealtime(context: AppContext, server: HttpServer): Realtime {
	const io = new Server(server, {
		serveClient: false,
		maxHttpBufferSize: MAX_FRAME_BYTES,
		perMessageDeflate: false,
		httpCompression: false,
		// /yjs/* upgrades belong to the y-websocket transport.
		destroyUpgrade: false,
		// Only same-origin browsers (and non-browser clients) connect; no CORS headers.
		cors: undefined
	});

	let redis: RedisExtension | null = null;
	const engine = new Engine([postgresPersistence(context)]);
	const fanout = new Fanout(io);

	// Every durable change made in this process, by any write path, arrives here after commit.
	const unsubscribe = context.changes.subscribe((changes: RecordChange[]) => {
		for (const change of changes) engine.applyStored(change, Origin.Server);
		fanout.deliver(changes);
		redis?.forward(changes);
	});

	const sockets = attachSocketTransport({ io, context, engine, fanout });
	const yWebsocket = attachYWebsocket({ server, engine });

	/** An access change, from this process or another: every transport checks again. */
	const recheck = (change: AccessChange) => {
		if (change.spaceId) void engine.recheck(change.spaceId, change.userId).catch(() => undefined);
		void sockets.recheck(change).catch(() => undefined);
		yWebsocket.recheck(change);
	};
	// Access changes of this process go to the others; theirs come back on the same bus (SSE
	// streams listen there too), marked remote so they are not passed on again.
	const unsubscribeAccess = context.access.subscribe((change) => {
		recheck(change);
		if (!change.remote) redis?.forwardAccess(change);
	});

	if (context.kv.redis) {
		redis = attachRedis({
			io,
			redis: context.kv.redis,
			onRemote(changes) {
				for (const change of changes) engine.applyStored(change, Origin.Remote);
				fanout.deliver(changes);
			},
			onRemoteAccess: (change) => context.access.publish({ ...change, remote: true }),
			onReconnect: () => void resyncFromStorage()
		});
	}

	/** After a Redis gap: reload each open doc from Postgres and pass on what was missed. */
	async function resyncFromStorage(): Promise<void> {
		for (const live of [...engine.docs.values()]) {
			const holder = live.holders.values().next().value;
			if (!holder) continue;
			try {
				const opened = await openRecordDoc({ context, actor: holder.actor, id: live.id });
				const added = engine.mergeStored(live, opened.state);
				if (!added) continue;
				fanout.deliver([
					{
						spaceId: live.spaceId,
						entityTypeId: live.type.id,
						entityTypeKey: live.type.key,
						entityId: live.id,
						action: 'update',
						values: added.values,
						update: added.update,
						actorId: holder.actor.userId,
						via: 'system',
						at: new Date().toISOString()
					}
				]);
			} catch {
				// The record went away or its holder lost access: its next open reloads it.
			}
		}
	}

	return {
		io,
		engine,
		async close() {
			unsubscribe();
			unsubscribeAccess();
			yWebsocket.close();
			sockets.close();
			fanout.close();
			// Only this process's sockets: `io.disconnectSockets` goes through the Redis adapter
			// to every process, so one stopping process dropped every browser in the cluster.
			io.local.disconnectSockets(true);
			await new Promise<void>((resolve) => io.close(() => resolve()));
			await redis?.close();
			engine.close();
		}
	};
}

/**
 * A process without sockets (the job worker) still makes changes that open grids must hear:
 * with Redis, pass them and access changes to the app processes the way one of them would.
 * Without Redis jobs run in the app process, whose own bus reaches its sockets.
 */
export function startRelay(context: AppContext): { close(): Promise<void> } {
	const redisClient = context.kv.redis;
	if (!redisClient) return { close: async () => undefined };
	const io = new Server();
	const redis = attachRedis({
		io,
		redis: redisClient,
		onRemote: () => undefined,
		onRemoteAccess: () => undefined,
		onReconnect: () => undefined
	});
	const unsubscribe = context.changes.subscribe((changes) => redis.forward(changes));
	const unsubscribeAccess = context.access.subscribe((change) => {
		if (!change.remote) redis.forwardAccess(change);
	});
	return {
		async close() {
			unsubscribe();
			unsubscribeAccess();
			// This server was never attached to an HTTP server, so io.close() (which closes the
			// engine) threw and the worker's shutdown stopped there; only its adapter is open.
			await io.of('/').adapter.close();
			await redis.close();
		}
	};
}
