// Job progress, from whichever process runs the job to every process with a page watching it:
// Redis pub/sub when REDIS_URL is set (a worker runs apart from the app), in-process otherwise.
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import type { ImportStatus } from '$lib/domain/imports';

const CHANNEL = 'roster:job-progress';

/** A job's status as its page receives it; one bus (and channel) per kind of job. */
export interface ProgressBus<Status extends { id: string } = ImportStatus> {
	publish(status: Status): void;
	subscribe(listener: (status: Status) => void): () => void;
	close(): Promise<void>;
}

export function createProgressBus<Status extends { id: string } = ImportStatus>(
	redis?: Redis,
	channel = CHANNEL
): ProgressBus<Status> {
	const emitter = new EventEmitter();
	emitter.setMaxListeners(0);
	let sub: Redis | null = null;
	const listen = () => {
		if (!redis || sub) return;
		sub = redis.duplicate();
		sub.on('error', () => undefined);
		void sub.subscribe(channel).catch(() => undefined);
		sub.on('message', (_channel: string, message: string) => {
			try {
				emitter.emit('progress', JSON.parse(message) as Status);
			} catch {
				// Not ours: nothing on this channel is worth crashing a listener for.
			}
		});
	};
	return {
		publish(status) {
			// Progress is advisory (the page reads the row again on reconnect): a lost message
			// only delays a bar, so a Redis hiccup must not fail the job.
			if (redis) void redis.publish(channel, JSON.stringify(status)).catch(() => undefined);
			else emitter.emit('progress', status);
		},
		subscribe(listener) {
			listen();
			emitter.on('progress', listener);
			return () => emitter.off('progress', listener);
		},
		async close() {
			sub?.disconnect();
			sub = null;
		}
	};
}
