// What the bench process and its load-generator workers tell each other over IPC.
import type { HistogramData } from './histogram';

/** One simulated socket.io client. */
export interface ClientPlan {
	/** Global client number; it names the client in the edits it makes. */
	index: number;
	/** Index into `servers` of the app process this client talks to. */
	server: number;
	/** Index into the connect command's `sheets` of the one sheet this client joins. */
	sheet: number;
	/** The record this client syncs and edits; idle clients have none. */
	record?: string;
}

/** A sheet the clients join, with the API token that opens it. */
export interface SheetTarget {
	token: string;
	space: string;
	sheet: string;
}

/**
 * The app process a client talks to: clients alternate between processes, so a receiver can
 * tell from an edit's sender whether it crossed processes.
 */
export const serverOf = (client: number, servers: number): number => client % servers;

export interface ConnectCommand {
	type: 'connect';
	servers: string[];
	/** Every sheet of the run (one, except in the ramp); a client joins the one it names. */
	sheets: SheetTarget[];
	clients: ClientPlan[];
	/** Handshakes in flight at once in this worker. */
	concurrency: number;
}

export interface EditCommand {
	type: 'edit';
	/** Edits per second this worker makes, spread round-robin over its editing clients. */
	rate: number;
	/** Clock times (ms, see `clock`): editing starts, the measured window opens and closes. */
	startAt: number;
	measureFrom: number;
	measureTo: number;
	/** Shifts this worker's send instants so that workers do not send in lockstep. */
	phase: number;
	/** How long an edit's ack may take before it counts as never acked, ms. */
	ackTimeout: number;
}

export type Command =
	| ConnectCommand
	| { type: 'sync' }
	| EditCommand
	| { type: 'status' }
	| { type: 'report' }
	| { type: 'close' };

export interface Failures {
	count: number;
	/** How often each reason occurred (error code or message). */
	reasons: Record<string, number>;
}

export interface ConnectReply {
	type: 'connected';
	/** Per client: from `io()` until the `sheet:join` ack with ok: true, ms. */
	times: number[];
	/** Per sheet (index into the command's `sheets`): this worker's clients that joined it. */
	joinedPerSheet: number[];
	failures: Failures;
}

export interface SyncReply {
	type: 'synced';
	/** Per editing client: `doc:sync` until its reply was applied, ms. */
	times: number[];
	failures: Failures;
}

export interface StatusReply {
	type: 'status';
	outstandingAcks: number;
	/** Clock time of the last measured change a client of this worker received. */
	lastReceivedAt: number;
}

export interface EditStats {
	/** Edits sent inside the measured window, and how many of them were acked with ok: true. */
	sent: number;
	acked: number;
	/** Acks with ok: true that arrived inside the window, whenever their edit was sent. */
	ackedInWindow: number;
	/** Acks with ok: false, by error code, and acks that never came. */
	failed: Failures;
	timeouts: number;
	/** Edits not made because the client still waited for the ack of its previous one. */
	skipped: number;
	/** Send until the `doc:update` ack with ok: true, per measured edit, ms. */
	ackTimes: number[];
	/** Send until a `changes` entry carried the value, per (edit, receiving client). */
	propagation: HistogramData;
	/** The same, for receivers on another app process than the sender (two-process runs). */
	crossProcess: HistogramData;
	/** Per measured edit (`sender:seq`): receivers in this worker and their slowest time. */
	perEdit: Record<string, [count: number, max: number]>;
	/** Keys of the measured edits this worker's clients sent. */
	sentKeys: string[];
	/** `problem` events by code, and sockets that dropped, since the clients connected. */
	problems: Record<string, number>;
	disconnects: Record<string, number>;
}

export type Reply =
	| { type: 'ready' }
	| ConnectReply
	| SyncReply
	| StatusReply
	| { type: 'editing' }
	| ({ type: 'report' } & EditStats)
	| { type: 'error'; message: string };
