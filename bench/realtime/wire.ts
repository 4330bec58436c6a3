// A socket.io client at the wire: the Engine.IO v4 and Socket.IO v5 framing over a bare `ws`
// WebSocket, with only what the load generator uses (connect with auth, emit with an ack,
// events in, binary attachments both ways, ping/pong).
//
// Why not socket.io-client: per message received it runs engine.io-client's and socket.io's
// decoders and two emitters, about 30 µs of CPU. At 1,000 clients and 20,000 messages a second
// the load generator then took 60% of a core, from the two cores the app runs on, and at the
// flush rates a stock in-memory peer runs at (over 100,000 messages a second) it needed more
// than the machine has. The peer's own load generator (../shared/peers/hocuspocus/wire.mjs)
// speaks its protocol at the wire for the same reason. The server does exactly the work it does
// for socket.io-client: the frames are the same (tests/integration/bench-wire.test.ts checks
// this client against the real server).
import WebSocket from 'ws';

/** Engine.IO packet types (text frames start with one of these). */
const enum Engine {
	Open = '0',
	Close = '1',
	Ping = '2',
	Pong = '3',
	Message = '4'
}

/** Socket.IO packet types (the character after an Engine.IO message's '4'). */
const enum Packet {
	Connect = '0',
	Disconnect = '1',
	Event = '2',
	Ack = '3',
	ConnectError = '4',
	BinaryEvent = '5',
	BinaryAck = '6'
}

/** Text frames at least this long are parsed once per process and shared (see `parseJson`). */
const MIN_SHARED_LENGTH = 256;
const SHARED_MAX = 32;
const shared = new Map<string, unknown>();

/**
 * JSON of a frame, parsed once per process for long frames: the server encodes a broadcast once
 * and sends every socket the same text, so 250 clients in a process would parse the same batch
 * 250 times. Callers only read what they are given.
 */
function parseJson(text: string, from: number): unknown {
	if (text.length < MIN_SHARED_LENGTH) return JSON.parse(text.slice(from));
	let value = shared.get(text);
	if (value === undefined) {
		value = JSON.parse(text.slice(from));
		shared.set(text, value);
		if (shared.size > SHARED_MAX) shared.delete(shared.keys().next().value!);
	}
	return value;
}

interface Placeholder {
	_placeholder: true;
	num: number;
}

const isPlaceholder = (value: unknown): value is Placeholder =>
	typeof value === 'object' &&
	value !== null &&
	(value as Placeholder)._placeholder === true &&
	typeof (value as Placeholder).num === 'number';

/**
 * `value` with its placeholders replaced by their attachments. Only the objects on the way to a
 * placeholder are copied; everything else stays the shared parse, returned as it is.
 */
function fill(value: unknown, attachments: Uint8Array[]): unknown {
	if (isPlaceholder(value)) return attachments[value.num];
	if (typeof value !== 'object' || value === null) return value;
	const entries = Object.entries(value);
	const filled = entries.map(([, item]) => fill(item, attachments));
	if (filled.every((item, index) => item === entries[index]![1])) return value;
	if (Array.isArray(value)) return filled;
	return Object.fromEntries(entries.map(([key], index) => [key, filled[index]]));
}

/** `value` with its binary parts taken out into `attachments` and replaced by placeholders. */
function extract(value: unknown, attachments: Uint8Array[]): unknown {
	if (value instanceof Uint8Array) {
		attachments.push(value);
		return { _placeholder: true, num: attachments.length - 1 };
	}
	if (Array.isArray(value)) return value.map((item) => extract(item, attachments));
	if (typeof value === 'object' && value !== null) {
		const out: Record<string, unknown> = {};
		for (const [key, item] of Object.entries(value)) out[key] = extract(item, attachments);
		return out;
	}
	return value;
}

export class AckTimeout extends Error {
	constructor(event: string) {
		super(`${event}: no ack in time`);
	}
}

type Listener = (payload: never) => void;

interface PendingBinary {
	type: Packet.BinaryEvent | Packet.BinaryAck;
	id: number | null;
	data: unknown;
	count: number;
	attachments: Uint8Array[];
}

export interface WireOptions {
	/** The Socket.IO CONNECT payload (`auth` in socket.io-client). */
	auth: unknown;
	/** Rejects the connect after this long. */
	timeout: number;
}

/** One simulated socket.io client. */
export class WireSocket {
	connected = false;
	private readonly ws: WebSocket;
	private readonly listeners = new Map<string, Listener>();
	private readonly acks = new Map<
		number,
		{ resolve: (reply: unknown) => void; timer: NodeJS.Timeout }
	>();
	private nextAck = 0;
	private binary: PendingBinary | null = null;
	private closedByUs = false;
	private settleConnect?: (error?: Error) => void;

	constructor(
		url: string,
		private readonly options: WireOptions
	) {
		const address = new URL('/socket.io/', url);
		address.protocol = address.protocol === 'https:' ? 'wss:' : 'ws:';
		address.searchParams.set('EIO', '4');
		address.searchParams.set('transport', 'websocket');
		this.ws = new WebSocket(address, { perMessageDeflate: false });
		this.ws.on('message', (data, isBinary) => this.frame(data as Buffer, isBinary));
		this.ws.on('close', (code) => this.closed(`transport close ${code}`));
		this.ws.on('error', (error) => this.settleConnect?.(error));
	}

	/** Resolves once the server accepted the Socket.IO CONNECT; rejects on refusal or timeout. */
	connect(): Promise<void> {
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => settle(new Error('connect timeout')), this.options.timeout);
			const settle = (error?: Error) => {
				clearTimeout(timer);
				this.settleConnect = undefined;
				if (error) {
					this.disconnect();
					reject(error);
				} else resolve();
			};
			this.settleConnect = settle;
		});
	}

	on(event: 'changes' | 'problem' | 'disconnect', listener: Listener): void {
		this.listeners.set(event, listener);
	}

	/** Emits `event` with `payload`; `onAck` gets the reply, or an AckTimeout after `timeout` ms. */
	emit(
		event: string,
		payload: unknown,
		timeout: number,
		onAck: (error: Error | null, reply?: never) => void
	): void {
		const id = this.nextAck++;
		const timer = setTimeout(() => {
			this.acks.delete(id);
			onAck(new AckTimeout(event));
		}, timeout);
		this.acks.set(id, { resolve: (reply) => onAck(null, reply as never), timer });
		const attachments: Uint8Array[] = [];
		const body = JSON.stringify([event, extract(payload, attachments)]);
		if (!attachments.length) this.ws.send(`${Engine.Message}${Packet.Event}${id}${body}`);
		else {
			this.ws.send(`${Engine.Message}${Packet.BinaryEvent}${attachments.length}-${id}${body}`);
			for (const attachment of attachments) this.ws.send(attachment);
		}
	}

	emitWithAck<T>(event: string, payload: unknown, timeout: number): Promise<T> {
		return new Promise((resolve, reject) =>
			this.emit(event, payload, timeout, (error, reply) =>
				error ? reject(error) : resolve(reply as T)
			)
		);
	}

	disconnect(): void {
		this.closedByUs = true;
		this.connected = false;
		this.ws.close();
	}

	private frame(data: Buffer, isBinary: boolean): void {
		if (isBinary) return this.attachment(data);
		const text = data.toString('utf8');
		switch (text[0]) {
			case Engine.Open:
				// The Engine.IO handshake is in: join the main namespace with the credentials.
				return this.ws.send(
					`${Engine.Message}${Packet.Connect}${JSON.stringify(this.options.auth)}`
				);
			case Engine.Ping:
				return this.ws.send(Engine.Pong);
			case Engine.Message:
				return this.packet(text);
			case Engine.Close:
				return this.ws.close();
		}
	}

	/** A Socket.IO packet: `4` + type + [attachments `-`] + [ack id] + [JSON]. */
	private packet(text: string): void {
		const type = text[1] as Packet;
		let at = 2;
		let count = 0;
		if (type === Packet.BinaryEvent || type === Packet.BinaryAck) {
			const dash = text.indexOf('-', at);
			count = Number(text.slice(at, dash));
			at = dash + 1;
		}
		// This client only uses the main namespace, so there is never a "/nsp," part.
		let id: number | null = null;
		const idStart = at;
		while (at < text.length && text.charCodeAt(at) >= 48 && text.charCodeAt(at) <= 57) at++;
		if (at > idStart) id = Number(text.slice(idStart, at));
		const data = at < text.length ? parseJson(text, at) : undefined;
		if (count) {
			this.binary = { type: type as PendingBinary['type'], id, data, count, attachments: [] };
			return;
		}
		this.deliver(type, id, data);
	}

	private attachment(data: Buffer): void {
		const pending = this.binary;
		if (!pending) return;
		pending.attachments.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
		if (pending.attachments.length < pending.count) return;
		this.binary = null;
		const type = pending.type === Packet.BinaryEvent ? Packet.Event : Packet.Ack;
		this.deliver(type, pending.id, fill(pending.data, pending.attachments));
	}

	private deliver(type: Packet, id: number | null, data: unknown): void {
		switch (type) {
			case Packet.Connect:
				this.connected = true;
				return this.settleConnect?.();
			case Packet.ConnectError:
				return this.settleConnect?.(
					new Error((data as { message?: string })?.message ?? 'refused')
				);
			case Packet.Event: {
				const [event, payload] = data as [string, unknown];
				return (this.listeners.get(event) as ((payload: unknown) => void) | undefined)?.(payload);
			}
			case Packet.Ack: {
				const waiting = id === null ? undefined : this.acks.get(id);
				if (!waiting) return;
				this.acks.delete(id!);
				clearTimeout(waiting.timer);
				return waiting.resolve((data as unknown[])[0]);
			}
			case Packet.Disconnect:
				return this.ws.close();
		}
	}

	private closed(reason: string): void {
		const wasConnected = this.connected;
		this.connected = false;
		this.settleConnect?.(new Error(reason));
		if (wasConnected && !this.closedByUs) {
			(this.listeners.get('disconnect') as ((reason: string) => void) | undefined)?.(reason);
		}
	}
}
