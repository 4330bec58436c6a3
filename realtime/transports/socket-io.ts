// socket.io transport: authenticates the handshake, checks each message's shape, size and
// rate, and forwards it to the engine. It holds no data of its own beyond room membership and
// the presence of the sheets its sockets are on.
import { randomUUID } from 'node:crypto';
import type { Server, Socket } from 'socket.io';
import {
	Awareness,
	applyAwarenessUpdate,
	encodeAwarenessUpdate,
	removeAwarenessStates
} from 'y-protocols/awareness';
import * as Y from 'yjs';
import { z } from 'zod';
import { RealtimeErrorCode, type RealtimeError } from '$lib/domain/realtime/errors';
import { checkPresence } from '$lib/domain/realtime/presence';
import {
	MAX_UPDATE_BYTES,
	MESSAGE_BURST,
	MESSAGES_PER_SECOND,
	docRoom,
	sheetRoom,
	type Ack,
	type ClientToServerEvents,
	type ServerToClientEvents
} from '$lib/domain/realtime/protocol';
import type { Actor } from '$lib/server/auth/actor';
import type { AccessChange } from '$lib/server/changes';
import type { AppContext } from '$lib/server/context';
import { openSheet } from '$lib/server/services/records/collab';
import { failure, toRealtimeError, type Connection, type Engine } from '../engine';
import { checkinRoom, type Fanout } from '../fanout';
import { MessageBudget } from '../throttle';

type RosterSocket = Socket<ClientToServerEvents, ServerToClientEvents, object, SocketData>;

interface SocketData {
	actor: Actor;
	connection: Connection;
	budget: MessageBudget;
	/** Sheets joined: type id to the room joined (full or check-in). */
	sheets: Map<string, string>;
	/** The space of each sheet joined. */
	sheetSpaces: Map<string, string>;
	/** Awareness client ids this socket announced, per sheet. */
	presence: Map<string, Set<number>>;
}

/** Past this many dropped messages in a row, the socket is disconnected. */
const FLOOD_DISCONNECT_AFTER = 2_000;

const id = z.string().uuid();
const sheetJoinSchema = z.object({
	space: z.string().min(1).max(200),
	type: z.string().min(1).max(200)
});
const bytes = z.instanceof(Uint8Array);
const docSyncSchema = z.object({ doc: id, sv: bytes.optional() });
const docUpdateSchema = z.object({ doc: id, update: bytes });
const awarenessSchema = z.object({ sheet: id, update: bytes });

function badMessage(event: string, error: z.ZodError): RealtimeError {
	const issue = error.issues[0];
	const field = issue?.path.join('.') || undefined;
	return {
		code: RealtimeErrorCode.BadMessage,
		message: `${event}: ${field ? `"${field}" ` : ''}${issue?.message ?? 'is not valid'}`,
		field
	};
}

/** Same-origin check for cookie-authenticated sockets (a foreign page cannot use a token). */
function isSameOrigin(socket: RosterSocket): boolean {
	const origin = socket.handshake.headers.origin;
	if (!origin) return true;
	try {
		return new URL(origin).host === socket.handshake.headers.host;
	} catch {
		return false;
	}
}

/** Per-sheet presence kept by this process, so a socket's states can be cleared when it goes. */
class SheetPresence {
	private readonly awareness = new Map<string, Awareness>();

	of(sheet: string): Awareness {
		let awareness = this.awareness.get(sheet);
		if (!awareness) {
			awareness = new Awareness(new Y.Doc());
			awareness.setLocalState(null);
			this.awareness.set(sheet, awareness);
		}
		return awareness;
	}

	/** Every state held for the sheet, as one awareness update; null when there is none. */
	peek(sheet: string): Uint8Array | null {
		const awareness = this.awareness.get(sheet);
		const clients = awareness ? [...awareness.getStates().keys()] : [];
		return clients.length ? encodeAwarenessUpdate(awareness!, clients) : null;
	}

	/** Forgets clients' states; returns the awareness update that tells others they left. */
	drop(sheet: string, clients: number[]): Uint8Array | null {
		const awareness = this.awareness.get(sheet);
		if (!awareness) return null;
		removeAwarenessStates(awareness, clients, 'disconnect');
		const removal = encodeAwarenessUpdate(awareness, clients);
		if (awareness.getStates().size === 0) {
			awareness.destroy();
			this.awareness.delete(sheet);
		}
		return removal;
	}

	close(): void {
		for (const awareness of this.awareness.values()) awareness.destroy();
		this.awareness.clear();
	}
}

export function attachSocketTransport(options: {
	io: Server<ClientToServerEvents, ServerToClientEvents, object, SocketData>;
	context: AppContext;
	engine: Engine;
	fanout: Fanout;
}): { close(): void; recheck(change: AccessChange): Promise<void> } {
	const { io, context, engine, fanout } = options;
	const presence = new SheetPresence();
	/** This process's sockets by their engine connection id. */
	const byConnection = new Map<string, RosterSocket>();

	engine.use({
		// A doc dropped after a failed write: its holders sync it again (and re-send their edits).
		onDocReset(id, holders) {
			for (const holder of holders) {
				const socket = byConnection.get(holder);
				if (!socket) continue;
				void socket.leave(docRoom(id));
				socket.emit('problem', {
					code: RealtimeErrorCode.OutOfSync,
					message: 'The record must be synced again',
					doc: id
				});
			}
		},
		onAccessLost(connectionId, id) {
			const socket = byConnection.get(connectionId);
			if (!socket) return;
			void socket.leave(docRoom(id));
			socket.emit('problem', {
				code: RealtimeErrorCode.Forbidden,
				message: `You may no longer open record ${id}`,
				doc: id
			});
		}
	});

	/** What the socket proved itself with: a token, a bearer header or the session cookie. */
	const credentialsOf = (socket: RosterSocket) => {
		const { auth, headers } = socket.handshake;
		return {
			token: typeof auth?.token === 'string' ? auth.token : null,
			authorization: headers.authorization ?? null,
			cookie: headers.cookie ?? null
		};
	};

	io.use(async (socket, next) => {
		try {
			const credentials = credentialsOf(socket);
			if (!credentials.token && !credentials.authorization && !isSameOrigin(socket)) {
				throw failure(RealtimeErrorCode.Unauthorized, 'Cross-site sockets are not allowed');
			}
			const actor = await engine.authenticate(credentials);
			socket.data = {
				actor,
				connection: { id: randomUUID(), actor },
				budget: new MessageBudget(MESSAGES_PER_SECOND, MESSAGE_BURST),
				sheets: new Map(),
				sheetSpaces: new Map(),
				presence: new Map()
			};
			next();
		} catch (error) {
			const detail = toRealtimeError(error);
			const refusal = new Error(detail.code) as Error & { data: RealtimeError };
			refusal.data = detail;
			next(refusal);
		}
	});

	/** Clears a socket's presence on a sheet and tells the others. */
	const dropPresenceOf = (socket: RosterSocket, sheet: string) => {
		const mine = socket.data.presence.get(sheet);
		if (!mine?.size) return;
		const removal = presence.drop(sheet, [...mine]);
		socket.data.presence.delete(sheet);
		if (removal) io.to(sheetRoom(sheet)).emit('awareness', { sheet, update: removal });
	};

	io.on('connection', (socket: RosterSocket) => {
		const { connection, budget } = socket.data;
		byConnection.set(connection.id, socket);
		// A session ended (or a token revoked) between the handshake's check and this line was
		// published while recheck() could not find the socket: check once more now that it can.
		void engine.authenticate(credentialsOf(socket)).catch((error: unknown) => {
			const refusal = toRealtimeError(error);
			if (refusal.code !== RealtimeErrorCode.Unauthorized) return;
			socket.emit('problem', refusal);
			socket.disconnect(true);
		});

		/** Rate check for every message; false (and an error sent) when over budget. */
		const admit = (reply?: (answer: Ack<never>) => void): boolean => {
			if (budget.take()) return true;
			const error: RealtimeError = {
				code: RealtimeErrorCode.RateLimited,
				message: `Too many messages: at most ${MESSAGES_PER_SECOND} a second`
			};
			if (reply) reply({ ok: false, error });
			else if (budget.dropped === 1) socket.emit('problem', error);
			if (budget.dropped > FLOOD_DISCONNECT_AFTER) socket.disconnect(true);
			return false;
		};

		const reply =
			<T>(ack: unknown) =>
			(answer: Ack<T>) => {
				if (typeof ack === 'function') ack(answer);
			};

		socket.on('sheet:join', async (payload, ack) => {
			const answer = reply<{ sheet: unknown }>(ack);
			if (!admit(answer)) return;
			const parsed = sheetJoinSchema.safeParse(payload);
			if (!parsed.success)
				return answer({ ok: false, error: badMessage('sheet:join', parsed.error) });
			try {
				const sheet = await openSheet({ context, actor: connection.actor, ...parsed.data });
				const room =
					sheet.role === 'checkin' ? checkinRoom(sheet.type.id) : sheetRoom(sheet.type.id);
				if (sheet.role === 'checkin') {
					fanout.checkinKeys.set(
						sheet.type.id,
						new Set(sheet.type.attributes.map((attribute) => attribute.key))
					);
				}
				await socket.join(room);
				socket.data.sheets.set(sheet.type.id, room);
				socket.data.sheetSpaces.set(sheet.type.id, sheet.spaceId);
				answer({
					ok: true,
					sheet: {
						spaceId: sheet.spaceId,
						typeId: sheet.type.id,
						typeKey: sheet.type.key,
						role: sheet.role
					}
				});
				// Who is here already, at once (after the answer, which the client needs first to
				// take presence for the sheet), instead of at their next renewal up to 15 s later.
				// Check-in members get no presence; states held by other processes still come
				// with their renewal.
				const here = sheet.role === 'checkin' ? null : presence.peek(sheet.type.id);
				if (here) socket.emit('awareness', { sheet: sheet.type.id, update: here });
			} catch (error) {
				answer({ ok: false, error: toRealtimeError(error) });
			}
		});

		socket.on('sheet:leave', (sheet) => {
			const room = typeof sheet === 'string' ? socket.data.sheets.get(sheet) : undefined;
			if (!room) return;
			void socket.leave(room);
			socket.data.sheets.delete(sheet);
			socket.data.sheetSpaces.delete(sheet);
			dropPresence(sheet);
		});

		socket.on('doc:sync', async (payload, ack) => {
			const answer = reply<{ update: Uint8Array; sv: Uint8Array }>(ack);
			if (!admit(answer)) return;
			const parsed = docSyncSchema.safeParse(payload);
			if (!parsed.success)
				return answer({ ok: false, error: badMessage('doc:sync', parsed.error) });
			try {
				const { update, sv } = await engine.sync(connection, parsed.data.doc, parsed.data.sv);
				await socket.join(docRoom(parsed.data.doc));
				answer({ ok: true, update, sv });
			} catch (error) {
				answer({ ok: false, error: toRealtimeError(error, parsed.data.doc) });
			}
		});

		socket.on('doc:update', async (payload, ack) => {
			const answer = reply<{ rejected: RealtimeError[] }>(ack);
			if (!admit(answer)) return;
			const parsed = docUpdateSchema.safeParse(payload);
			if (!parsed.success) {
				const tooLarge =
					payload && typeof payload === 'object' && 'update' in payload
						? (payload as { update?: { byteLength?: number } }).update?.byteLength
						: undefined;
				if (typeof tooLarge === 'number' && tooLarge > MAX_UPDATE_BYTES) {
					return answer({
						ok: false,
						error: { code: RealtimeErrorCode.TooLarge, message: 'The update is too large' }
					});
				}
				return answer({ ok: false, error: badMessage('doc:update', parsed.error) });
			}
			const { doc, update } = parsed.data;
			try {
				const rejected = await engine.update(connection, doc, update);
				await socket.join(docRoom(doc));
				answer({ ok: true, rejected });
			} catch (error) {
				answer({ ok: false, error: toRealtimeError(error, doc) });
			}
		});

		socket.on('doc:leave', (doc) => {
			if (typeof doc !== 'string') return;
			void socket.leave(docRoom(doc));
			engine.release(connection, doc);
		});

		socket.on('awareness', (payload) => {
			if (!admit()) return;
			const parsed = awarenessSchema.safeParse(payload);
			if (!parsed.success)
				return void socket.emit('problem', badMessage('awareness', parsed.error));
			const { sheet, update } = parsed.data;
			const room = socket.data.sheets.get(sheet);
			if (!room) {
				return void socket.emit('problem', {
					code: RealtimeErrorCode.Forbidden,
					message: 'Join the sheet before sending presence on it'
				});
			}
			if (update.byteLength > MAX_UPDATE_BYTES) {
				return void socket.emit('problem', {
					code: RealtimeErrorCode.TooLarge,
					message: 'The presence update is too large'
				});
			}
			// Nobody shows up as someone else: checked before anything is applied or relayed.
			const refused = checkPresence(update, connection.actor.userId);
			if (refused) {
				return void socket.emit('problem', {
					code:
						refused.field === 'user.id'
							? RealtimeErrorCode.Forbidden
							: RealtimeErrorCode.BadMessage,
					message: refused.message,
					field: refused.field
				});
			}
			const awareness = presence.of(sheet);
			const mine = socket.data.presence.get(sheet) ?? new Set<number>();
			const track = (
				{ added, updated }: { added: number[]; updated: number[] },
				origin: unknown
			) => {
				if (origin !== socket) return;
				for (const client of [...added, ...updated]) mine.add(client);
			};
			awareness.on('update', track);
			try {
				applyAwarenessUpdate(awareness, update, socket);
			} finally {
				awareness.off('update', track);
			}
			socket.data.presence.set(sheet, mine);
			// Presence is not stored: relay as is, through the adapter to every process.
			socket.to(sheetRoom(sheet)).emit('awareness', { sheet, update });
		});

		const dropPresence = (sheet: string) => dropPresenceOf(socket, sheet);

		socket.on('disconnect', () => {
			byConnection.delete(connection.id);
			engine.releaseAll(connection);
			for (const sheet of socket.data.sheets.keys()) dropPresence(sheet);
		});
	});

	/**
	 * Checks again the sockets an access change may concern: a revoked token's sockets are
	 * closed; every sheet of the space a socket joined is opened again as that socket's actor,
	 * and left when that fails (a removed member), moved to the check-in room when the role
	 * became check-in, and the check-in fields of a sheet are read afresh.
	 */
	async function recheck(change: AccessChange): Promise<void> {
		const work: Promise<void>[] = [];
		for (const socket of byConnection.values()) {
			const { actor } = socket.data;
			if (change.tokenId && actor.token?.id === change.tokenId) {
				socket.emit('problem', {
					code: RealtimeErrorCode.Unauthorized,
					message: 'The API token was revoked'
				});
				socket.disconnect(true);
				continue;
			}
			if (actor.sessionId && change.sessionIds?.includes(actor.sessionId)) {
				socket.emit('problem', {
					code: RealtimeErrorCode.Unauthorized,
					message: 'The session has ended; sign in again'
				});
				socket.disconnect(true);
				continue;
			}
			if (!change.spaceId) continue;
			if (change.userId && actor.userId !== change.userId) continue;
			for (const [typeId, room] of socket.data.sheets) {
				if (socket.data.sheetSpaces.get(typeId) !== change.spaceId) continue;
				work.push(recheckSheet(socket, change.spaceId, typeId, room));
			}
		}
		await Promise.all(work);
	}

	async function recheckSheet(
		socket: RosterSocket,
		spaceId: string,
		typeId: string,
		room: string
	): Promise<void> {
		const { actor } = socket.data;
		try {
			const sheet = await openSheet({ context, actor, space: spaceId, type: typeId });
			const next = sheet.role === 'checkin' ? checkinRoom(typeId) : sheetRoom(typeId);
			if (sheet.role === 'checkin') {
				fanout.checkinKeys.set(
					typeId,
					new Set(sheet.type.attributes.map((attribute) => attribute.key))
				);
			}
			if (next !== room) {
				await socket.leave(room);
				await socket.join(next);
				socket.data.sheets.set(typeId, next);
			}
		} catch (error) {
			const code = toRealtimeError(error).code;
			// Only a refusal ends the membership of the room; a database hiccup does not.
			if (code !== 'not_found' && code !== 'forbidden' && code !== 'unauthorized') return;
			if (socket.data.sheets.get(typeId) !== room) return;
			await socket.leave(room);
			socket.data.sheets.delete(typeId);
			socket.data.sheetSpaces.delete(typeId);
			dropPresenceOf(socket, typeId);
			socket.emit('problem', {
				code: RealtimeErrorCode.Forbidden,
				message: 'You no longer have access to this sheet'
			});
		}
	}

	return {
		recheck,
		close() {
			presence.close();
		}
	};
}
