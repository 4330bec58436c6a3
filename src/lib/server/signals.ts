// Signals (domain/signals.ts) travel through Postgres NOTIFY: a service sends one inside the
// transaction of the write that causes it, and Postgres delivers it only when that transaction
// commits (never for a rollback), to every app process, with or without Redis and even when the
// write ran in another process (a worker, a test). Each process LISTENs on one connection and
// hands what arrives to its open signal streams.
import { EventEmitter } from 'node:events';
import pg from 'pg';
import type { Signal } from '$lib/domain/signals';
import type { Tx } from './db';

const CHANNEL = 'roster_signals';
const RETRY_MS = 1_000;

export interface SignalBus {
	subscribe(listener: (signal: Signal) => void): () => void;
	/**
	 * Calls `listener` when this process listens again after losing its connection: signals sent
	 * in the gap were never heard, so whoever relied on them must read what they show again.
	 */
	onGap(listener: () => void): () => void;
	/** Resolves once this process is listening (a signal sent before then is not heard). */
	ready(): Promise<void>;
	close(): Promise<void>;
}

/**
 * Queues `signal` in the caller's transaction; it goes out if and when that commits. Postgres
 * folds identical payloads of one transaction into one.
 */
export async function sendSignal(tx: Tx, signal: Signal): Promise<void> {
	await tx.query('select pg_notify($1, $2)', [CHANNEL, JSON.stringify(signal)]);
}

/** Listens from the first subscriber on, reconnecting after a lost connection. */
export function createSignalBus(connectionString: string): SignalBus {
	const emitter = new EventEmitter();
	emitter.setMaxListeners(0);
	let client: pg.Client | null = null;
	let retry: ReturnType<typeof setTimeout> | undefined;
	let isClosed = false;
	let listening: Promise<void> = Promise.resolve();
	/** Set once a LISTEN has been lost: the next one that succeeds closes a gap. */
	let hasLost = false;

	const connect = () => {
		if (client || isClosed) return;
		const listener = new pg.Client({ connectionString });
		client = listener;
		const reconnect = () => {
			if (client !== listener) return;
			client = null;
			hasLost = true;
			void listener.end().catch(() => undefined);
			if (!isClosed) retry = setTimeout(connect, RETRY_MS);
		};
		listener.on('error', reconnect);
		listener.on('end', reconnect);
		listener.on('notification', (message) => {
			if (message.channel !== CHANNEL || !message.payload) return;
			try {
				emitter.emit('signal', JSON.parse(message.payload) as Signal);
			} catch {
				// Not ours: nothing on this channel is worth failing a listener for.
			}
		});
		listening = (async () => {
			try {
				await listener.connect();
				await listener.query(`listen ${CHANNEL}`);
				if (hasLost) {
					hasLost = false;
					emitter.emit('gap');
				}
			} catch (error) {
				console.error('Listening for signals failed; retrying', error);
				reconnect();
			}
		})();
	};

	return {
		subscribe(listener) {
			connect();
			emitter.on('signal', listener);
			return () => emitter.off('signal', listener);
		},
		onGap(listener) {
			emitter.on('gap', listener);
			return () => emitter.off('gap', listener);
		},
		ready: () => listening,
		async close() {
			isClosed = true;
			clearTimeout(retry);
			const open = client;
			client = null;
			await open?.end().catch(() => undefined);
		}
	};
}
