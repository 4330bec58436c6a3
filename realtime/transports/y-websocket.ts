// The standard y-websocket wire protocol at /yjs/<record id>, so a stock `WebsocketProvider`
// (package y-websocket) can sync a record. Authentication is an API token in `?token=` (or a
// session cookie from the same origin); every update takes the engine's one path, with the
// same validation and RLS as socket.io edits. Presence here is per record and per process.
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { WebSocketServer, type WebSocket } from 'ws';
import { writePermissionDenied } from 'y-protocols/auth';
import {
	Awareness,
	applyAwarenessUpdate,
	encodeAwarenessUpdate,
	removeAwarenessStates
} from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { isUuid } from '$lib/domain/ids';
import { CloseCode } from '$lib/domain/realtime/errors';
import { checkPresence } from '$lib/domain/realtime/presence';
import { MAX_FRAME_BYTES, MESSAGE_BURST, MESSAGES_PER_SECOND } from '$lib/domain/realtime/protocol';
import type { AccessChange } from '$lib/server/changes';
import { toRealtimeError, type Connection, type Engine } from '../engine';
import { MessageBudget } from '../throttle';

const PATH = /^\/yjs\/([^/]+)$/;
const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
const MESSAGE_AUTH = 2;
const MESSAGE_QUERY_AWARENESS = 3;

class DocPresence {
	readonly awareness = new Awareness(new Y.Doc());
	readonly sockets = new Map<WebSocket, Set<number>>();

	constructor() {
		this.awareness.setLocalState(null);
	}
}

export function attachYWebsocket(options: { server: HttpServer; engine: Engine }): {
	close(): void;
	recheck(change: AccessChange): void;
} {
	const { server, engine } = options;
	const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
	const presences = new Map<string, DocPresence>();
	/** Open connections: the socket, its doc and who it is. */
	const open = new Map<string, { ws: WebSocket; docId: string; connection: Connection }>();

	engine.use({
		// A stock provider reconnects after a close and syncs both ways, re-sending its edits.
		onDocReset(id) {
			for (const entry of open.values()) {
				if (entry.docId === id) entry.ws.close(CloseCode.out_of_sync, 'out_of_sync');
			}
		},
		onAccessLost(connectionId) {
			open.get(connectionId)?.ws.close(CloseCode.forbidden, 'forbidden');
		}
	});

	const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
		const url = new URL(request.url ?? '/', 'http://localhost');
		if (!url.pathname.startsWith('/yjs/')) return;
		const match = PATH.exec(url.pathname);
		if (!match || !isUuid(match[1]!)) {
			socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
			return;
		}
		wss.handleUpgrade(request, socket, head, (ws) => {
			void serve(ws, request, match[1]!.toLowerCase(), url.searchParams.get('token'));
		});
	};
	server.on('upgrade', onUpgrade);

	async function serve(
		ws: WebSocket,
		request: IncomingMessage,
		docId: string,
		token: string | null
	) {
		ws.binaryType = 'arraybuffer';
		// Messages that arrive while we authenticate and load wait their turn.
		const early: Uint8Array[] = [];
		let handle: ((message: Uint8Array) => void) | null = null;
		ws.on('message', (data: ArrayBuffer) => {
			const message = new Uint8Array(data);
			if (handle) handle(message);
			else early.push(message);
		});

		const credentials = {
			token,
			authorization: request.headers.authorization ?? null,
			cookie: token ? null : (request.headers.cookie ?? null)
		};
		let connection: Connection;
		try {
			const origin = request.headers.origin;
			if (!token && origin && new URL(origin).host !== request.headers.host) {
				return ws.close(CloseCode.unauthorized, 'unauthorized');
			}
			const actor = await engine.authenticate(credentials);
			connection = { id: randomUUID(), actor };
			await engine.open(connection, docId);
		} catch (error) {
			const detail = toRealtimeError(error, docId);
			const code = detail.code === 'unauthorized' ? CloseCode.unauthorized : CloseCode.forbidden;
			return ws.close(code, detail.code === 'not_found' ? 'forbidden' : detail.code);
		}

		const live = engine.docs.get(docId)!;
		open.set(connection.id, { ws, docId, connection });
		// A session ended (or a token revoked) between the check above and this line was published
		// while recheck() could not find the connection: check once more now that it can.
		void engine.authenticate(credentials).catch((error: unknown) => {
			if (toRealtimeError(error, docId).code === 'unauthorized') {
				ws.close(CloseCode.unauthorized, 'unauthorized');
			}
		});
		const budget = new MessageBudget(MESSAGES_PER_SECOND, MESSAGE_BURST);
		let presence = presences.get(docId);
		if (!presence) presences.set(docId, (presence = new DocPresence()));
		const mine = new Set<number>();
		presence.sockets.set(ws, mine);

		const send = (message: Uint8Array) => {
			if (ws.readyState === ws.OPEN) ws.send(message);
		};
		const unlisten = engine.listen(docId, (_id, update) => {
			const encoder = encoding.createEncoder();
			encoding.writeVarUint(encoder, MESSAGE_SYNC);
			syncProtocol.writeUpdate(encoder, update);
			send(encoding.toUint8Array(encoder));
		});
		const deny = (reason: string) => {
			const encoder = encoding.createEncoder();
			encoding.writeVarUint(encoder, MESSAGE_AUTH);
			writePermissionDenied(encoder, reason);
			send(encoding.toUint8Array(encoder));
		};
		const onAwareness = (
			{ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
			origin: unknown
		) => {
			if (origin === ws) for (const client of [...added, ...updated]) mine.add(client);
			const changed = [...added, ...updated, ...removed];
			const encoder = encoding.createEncoder();
			encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
			encoding.writeVarUint8Array(encoder, encodeAwarenessUpdate(presence.awareness, changed));
			const message = encoding.toUint8Array(encoder);
			for (const other of presence.sockets.keys()) {
				if (other !== ws && other.readyState === other.OPEN) other.send(message);
			}
		};
		presence.awareness.on('update', onAwareness);

		const receive = (update: Uint8Array) => {
			engine.update(connection, docId, update).then(
				(rejected) => {
					for (const error of rejected) deny(`${error.code}: ${error.message}`);
				},
				(error) => {
					const detail = toRealtimeError(error, docId);
					// Nothing of it was applied: reconnecting makes the provider sync both ways.
					if (detail.code === 'out_of_sync') ws.close(CloseCode.out_of_sync, 'out_of_sync');
					else deny(`${detail.code}: ${detail.message}`);
				}
			);
		};

		handle = (message) => {
			if (!budget.take()) {
				if (budget.dropped > 2_000) ws.close(CloseCode.rate_limited, 'rate_limited');
				return;
			}
			if (live.gone) return;
			try {
				const decoder = decoding.createDecoder(message);
				const type = decoding.readVarUint(decoder);
				if (type === MESSAGE_SYNC) {
					const syncType = decoding.readVarUint(decoder);
					if (syncType === syncProtocol.messageYjsSyncStep1) {
						const encoder = encoding.createEncoder();
						encoding.writeVarUint(encoder, MESSAGE_SYNC);
						syncProtocol.writeSyncStep2(encoder, live.doc, decoding.readVarUint8Array(decoder));
						send(encoding.toUint8Array(encoder));
					} else if (
						syncType === syncProtocol.messageYjsSyncStep2 ||
						syncType === syncProtocol.messageYjsUpdate
					) {
						receive(decoding.readVarUint8Array(decoder));
					} else {
						throw new Error('unknown sync message');
					}
				} else if (type === MESSAGE_AWARENESS) {
					const update = decoding.readVarUint8Array(decoder);
					// The same rule as socket.io: a state must name the sender's own user.
					const refused = checkPresence(update, connection.actor.userId);
					if (refused) {
						deny(`forbidden: ${refused.message}`);
						return ws.close(
							refused.field === 'user.id' ? CloseCode.forbidden : CloseCode.bad_message,
							refused.field === 'user.id' ? 'forbidden' : 'bad_message'
						);
					}
					applyAwarenessUpdate(presence.awareness, update, ws);
				} else if (type === MESSAGE_QUERY_AWARENESS) {
					const encoder = encoding.createEncoder();
					encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
					encoding.writeVarUint8Array(
						encoder,
						encodeAwarenessUpdate(presence.awareness, [...presence.awareness.getStates().keys()])
					);
					send(encoding.toUint8Array(encoder));
				}
			} catch {
				ws.close(CloseCode.bad_message, 'bad_message');
			}
		};

		ws.on('close', () => {
			open.delete(connection.id);
			unlisten();
			engine.release(connection, docId);
			presence.awareness.off('update', onAwareness);
			presence.sockets.delete(ws);
			if (mine.size) removeAwarenessStates(presence.awareness, [...mine], 'disconnect');
			if (!presence.sockets.size) {
				presence.awareness.destroy();
				presences.delete(docId);
			}
		});

		// The server speaks first: its state vector, then who is here.
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, MESSAGE_SYNC);
		syncProtocol.writeSyncStep1(encoder, live.doc);
		send(encoding.toUint8Array(encoder));
		const states = [...presence.awareness.getStates().keys()];
		if (states.length) {
			const awarenessEncoder = encoding.createEncoder();
			encoding.writeVarUint(awarenessEncoder, MESSAGE_AWARENESS);
			encoding.writeVarUint8Array(
				awarenessEncoder,
				encodeAwarenessUpdate(presence.awareness, states)
			);
			send(encoding.toUint8Array(awarenessEncoder));
		}
		for (const message of early.splice(0)) handle(message);
	}

	return {
		/**
		 * A revoked token or an ended session closes its connections; the engine re-checks every
		 * doc holder.
		 */
		recheck(change) {
			for (const entry of open.values()) {
				const { actor } = entry.connection;
				const isRevokedToken = change.tokenId && actor.token?.id === change.tokenId;
				const isEndedSession = actor.sessionId && change.sessionIds?.includes(actor.sessionId);
				if (isRevokedToken || isEndedSession) {
					entry.ws.close(CloseCode.unauthorized, 'unauthorized');
				}
			}
		},
		close() {
			server.off('upgrade', onUpgrade);
			for (const client of wss.clients) client.terminate();
			wss.close();
			for (const presence of presences.values()) presence.awareness.destroy();
			presences.clear();
		}
	};
}
