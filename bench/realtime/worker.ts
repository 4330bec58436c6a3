// A load-generator process: a share of the simulated socket.io clients, driven by commands
// from the bench process over IPC. Kept cheap on purpose, since a load generator that keeps a
// full Y.Doc per simulated client needs more CPU than the server it measures: an editing client
// holds only the one record it edits as a Y.Doc and makes real Yjs edits on it; every client
// times arrivals from the `values` of `changes` entries without decoding Yjs.
import * as Y from 'yjs';
import type { Ack, DocSyncReply, SheetChangeBatch } from '$lib/domain/realtime/protocol';
import type { RealtimeError } from '$lib/domain/realtime/errors';
import { clock } from './clock';
import { Histogram } from './histogram';
import { WireSocket } from './wire';
import {
	serverOf,
	type ClientPlan,
	type Command,
	type ConnectCommand,
	type EditCommand,
	type EditStats,
	type Failures,
	type Reply
} from './messages';

/** The prefix of every value the bench writes: `bench:<client>:<seq>:<sent at, ms>`. */
const PREFIX = 'bench:';
const CONNECT_TIMEOUT_MS = 30_000;
/** For the handshake and sync requests; edits take theirs from the edit command. */
const ACK_TIMEOUT_MS = 30_000;
/**
 * A client whose last edit is not acked yet skips its turn. The engine writes the updates that
 * queue up for one record in one go and broadcasts one change for them, so a second edit in
 * flight would hide the first from every receiver; the skips are counted and reported.
 */
const MAX_OUTSTANDING = 1;
/** Origin of updates applied from the server, so they are not sent back. */
const FROM_SERVER = Symbol('from-server');

interface Client extends ClientPlan {
	socket?: WireSocket;
	doc?: Y.Doc;
	seq: number;
	outstanding: number;
	/** Stamp and number of the edit being made, read by the doc's update handler. */
	editSentAt: number;
	editSeq: number;
}

const send = (reply: Reply) => process.send!(reply);

let clients: Client[] = [];
let serverCount = 1;
let isClosing = false;
let outstandingAcks = 0;
let lastReceivedAt = 0;
let measured = { from: Infinity, to: -Infinity };
let editAckTimeout = ACK_TIMEOUT_MS;
let editTimer: NodeJS.Timeout | undefined;
let stats = emptyStats();
/** Over the whole run, connect and sync included: `problem` events by code, dropped sockets. */
const problems: Record<string, number> = {};
const disconnects: Record<string, number> = {};
let propagation = new Histogram();
let crossProcess = new Histogram();

function emptyStats(): Omit<
	EditStats,
	'propagation' | 'crossProcess' | 'problems' | 'disconnects'
> {
	return {
		sent: 0,
		acked: 0,
		ackedInWindow: 0,
		failed: { count: 0, reasons: {} },
		timeouts: 0,
		skipped: 0,
		ackTimes: [],
		perEdit: {},
		sentKeys: []
	};
}

const tally = (counts: Record<string, number>, key: string) => {
	counts[key] = (counts[key] ?? 0) + 1;
};

function fail(failures: Failures, reason: string): void {
	failures.count++;
	tally(failures.reasons, reason);
}

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

const isMeasured = (sentAt: number) => sentAt >= measured.from && sentAt < measured.to;

/** Runs `work` over `items` with at most `concurrency` in flight. */
async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>) {
	let next = 0;
	const lane = async () => {
		while (next < items.length) await work(items[next++]!);
	};
	await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
}

/** A bench value of a change, read once per batch and worker (the batch object is shared). */
interface Arrival {
	id: string;
	u?: [number, number];
	sender: number;
	sentAt: number;
	/** `sender:seq`, the edit's key in the per-edit table. */
	key: string;
}

const arrivalsOf = new WeakMap<SheetChangeBatch['changes'], Arrival[]>();

/**
 * The batch's changes as arrivals; read once however many clients got the same batch (the
 * wire client shares one parse of a frame, and a batch with bytes shares its `changes`).
 */
function arrivals(batch: SheetChangeBatch): Arrival[] {
	let parsed = arrivalsOf.get(batch.changes);
	if (parsed) return parsed;
	parsed = [];
	for (const change of batch.changes) {
		const name = change.values?.name;
		const arrival: Arrival = { id: change.id, u: change.u, sender: -1, sentAt: NaN, key: '' };
		if (typeof name === 'string' && name.startsWith(PREFIX)) {
			const [, senderText, seqText, sentText] = name.split(':');
			arrival.sender = Number(senderText);
			arrival.sentAt = Number(sentText);
			arrival.key = `${senderText}:${seqText}`;
		}
		parsed.push(arrival);
	}
	arrivalsOf.set(batch.changes, parsed);
	return parsed;
}

function receive(client: Client, batch: SheetChangeBatch): void {
	const now = clock();
	for (const arrival of arrivals(batch)) {
		// The editor's own record: apply what the server made of it, so the next edit's origin
		// is right (server corrections, other writers). Its Yjs bytes are a slice of the batch's.
		if (client.doc && arrival.id === client.record && arrival.u && batch.bytes) {
			const [offset, length] = arrival.u;
			Y.applyUpdate(client.doc, batch.bytes.subarray(offset, offset + length), FROM_SERVER);
		}
		const { sender, sentAt } = arrival;
		if (sender < 0 || sender === client.index || !isMeasured(sentAt)) continue;
		const latency = now - sentAt;
		propagation.record(latency);
		if (serverOf(sender, serverCount) !== client.server) crossProcess.record(latency);
		const edit = stats.perEdit[arrival.key];
		if (edit) {
			edit[0]++;
			if (latency > edit[1]) edit[1] = latency;
		} else stats.perEdit[arrival.key] = [1, latency];
		lastReceivedAt = now;
	}
}

function listen(client: Client, socket: WireSocket): void {
	socket.on('changes', (batch: SheetChangeBatch) => receive(client, batch));
	socket.on('problem', (error: RealtimeError) => tally(problems, error.code));
	socket.on('disconnect', (reason: string) => {
		if (!isClosing) tally(disconnects, reason);
	});
}

async function connectClient(client: Client, command: ConnectCommand): Promise<number> {
	const started = clock();
	const target = command.sheets[client.sheet]!;
	const socket = new WireSocket(command.servers[client.server]!, {
		auth: { token: target.token },
		timeout: CONNECT_TIMEOUT_MS
	});
	client.socket = socket;
	try {
		await socket.connect().catch((error: Error) => {
			throw new Error(`connect_error ${error.message}`);
		});
		const reply = await socket.emitWithAck<Ack<unknown>>(
			'sheet:join',
			{ space: target.space, type: target.sheet },
			ACK_TIMEOUT_MS
		);
		if (!reply.ok) throw new Error(`sheet:join ${reply.error.code}`);
	} catch (error) {
		socket.disconnect();
		client.socket = undefined;
		throw error;
	}
	listen(client, socket);
	return clock() - started;
}

async function connect(command: ConnectCommand): Promise<void> {
	serverCount = command.servers.length;
	clients = command.clients.map((plan) => ({
		...plan,
		seq: 0,
		outstanding: 0,
		editSentAt: 0,
		editSeq: 0
	}));
	const times: number[] = [];
	const joinedPerSheet = command.sheets.map(() => 0);
	const failures: Failures = { count: 0, reasons: {} };
	await pool(clients, command.concurrency, async (client) => {
		try {
			times.push(await connectClient(client, command));
			joinedPerSheet[client.sheet]!++;
		} catch (error) {
			fail(failures, reasonOf(error).split(':')[0]!.slice(0, 80));
		}
	});
	send({ type: 'connected', times, joinedPerSheet, failures });
}

function sendEdit(client: Client, update: Uint8Array): void {
	const sentAt = client.editSentAt;
	const isCounted = isMeasured(sentAt);
	// The phase this edit was sent in: a late ack still counts there, not in a later phase.
	const sentIn = stats;
	if (isCounted) {
		sentIn.sent++;
		sentIn.sentKeys.push(`${client.index}:${client.editSeq}`);
	}
	client.outstanding++;
	outstandingAcks++;
	client.socket!.emit(
		'doc:update',
		{ doc: client.record!, update },
		editAckTimeout,
		(error, reply?: Ack<unknown>) => {
			const ackedAt = clock();
			client.outstanding--;
			outstandingAcks--;
			// An ack that arrives in the current phase's window counts there, whenever it was sent.
			if (!error && reply!.ok && isMeasured(ackedAt)) stats.ackedInWindow++;
			if (!isCounted) return;
			if (error) sentIn.timeouts++;
			else if (reply!.ok) {
				sentIn.acked++;
				sentIn.ackTimes.push(ackedAt - sentAt);
			} else fail(sentIn.failed, reply!.error.code);
		}
	);
}

async function sync(): Promise<void> {
	const times: number[] = [];
	const failures: Failures = { count: 0, reasons: {} };
	const editors = clients.filter((client) => client.record && client.socket?.connected);
	await pool(editors, 50, async (client) => {
		const started = clock();
		try {
			const reply = await client.socket!.emitWithAck<Ack<DocSyncReply>>(
				'doc:sync',
				{ doc: client.record! },
				ACK_TIMEOUT_MS
			);
			if (!reply.ok) throw new Error(`doc:sync ${reply.error.code}`);
			const doc = new Y.Doc();
			Y.applyUpdate(doc, reply.update, FROM_SERVER);
			doc.on('update', (update: Uint8Array, origin: unknown) => {
				if (origin !== FROM_SERVER) sendEdit(client, update);
			});
			client.doc = doc;
			times.push(clock() - started);
		} catch (error) {
			fail(failures, reasonOf(error).split(':')[0]!.slice(0, 80));
		}
	});
	send({ type: 'synced', times, failures });
}

function edit(client: Client): void {
	const sentAt = clock();
	if (client.outstanding >= MAX_OUTSTANDING || !client.socket?.connected) {
		if (isMeasured(sentAt)) stats.skipped++;
		return;
	}
	client.seq++;
	client.editSeq = client.seq;
	client.editSentAt = sentAt;
	// The doc's update handler sends the resulting Yjs update with `doc:update`.
	client
		.doc!.getMap('fields')
		.set('name', `${PREFIX}${client.index}:${client.seq}:${sentAt.toFixed(3)}`);
}

/**
 * Open loop at a fixed rate: edits due by now are sent whether or not earlier ones were acked.
 * Each command starts a new phase on the same connections (the ramp run sends several, one
 * after another, each after the previous one's report): the stats start from zero.
 */
function startEditing(command: EditCommand): void {
	clearTimeout(editTimer);
	measured = { from: command.measureFrom, to: command.measureTo };
	editAckTimeout = command.ackTimeout;
	stats = emptyStats();
	propagation = new Histogram();
	crossProcess = new Histogram();
	const editors = clients.filter((client) => client.doc);
	if (!editors.length || command.rate <= 0) return;
	const interval = 1000 / command.rate;
	const firstAt = command.startAt + command.phase;
	let made = 0;
	const tick = () => {
		const now = clock();
		if (now >= command.measureTo) return;
		const due = Math.floor((now - firstAt) / interval) + 1;
		while (made < due) edit(editors[made++ % editors.length]!);
		editTimer = setTimeout(tick, Math.min(10, Math.max(1, interval / 2)));
	};
	editTimer = setTimeout(tick, Math.max(0, firstAt - clock()));
}

function report(): void {
	send({
		type: 'report',
		...stats,
		problems,
		disconnects,
		propagation: propagation.toData(),
		crossProcess: crossProcess.toData()
	});
}

function close(): void {
	isClosing = true;
	clearTimeout(editTimer);
	for (const client of clients) {
		client.socket?.disconnect();
		client.doc?.destroy();
	}
	process.disconnect?.();
	setTimeout(() => process.exit(0), 200).unref();
}

process.on('message', (command: Command) => {
	const run = async () => {
		switch (command.type) {
			case 'connect':
				return connect(command);
			case 'sync':
				return sync();
			case 'edit':
				startEditing(command);
				return send({ type: 'editing' });
			case 'status':
				return send({ type: 'status', outstandingAcks, lastReceivedAt });
			case 'report':
				return report();
			case 'close':
				return close();
		}
	};
	run().catch((error) => send({ type: 'error', message: reasonOf(error) }));
});
// The parent gone (Ctrl-C, crash): stop, do not linger with thousands of sockets open.
process.on('disconnect', () => {
	if (!isClosing) close();
});
send({ type: 'ready' });
