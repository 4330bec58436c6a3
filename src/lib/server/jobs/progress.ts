// Job progress, from whichever process runs the job to every process with a page watching it:
// Redis pub/sub when REDIS_URL is set (a worker runs apart from the app), in-process otherwise.
import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import type { ImportStatus } from '$lib/domain/imports';

const CHANNEL = 'roster:job-progress';

export interface ProgressBus {
	publish(status: ImportStatus): void;
	subscribe(listener: (status: ImportStatus) => void): () => void;
	close(): Promise<void>;
}

export function createProgressBus(redis?: Redis): ProgressBus {
	const emitter = new EventEmitter();
	emitter.setMaxListeners(0);
	let sub: Redis | null = null;
	const listen = () => {
		if (!redis || sub) return;
		sub = redis.duplicate();
		sub.on('error', () => undefined);
		void sub.subscribe(CHANNEL).catch(() => undefined);
		sub.on('message', (_channel: string, message: string) => {
			try {
				emitter.emit('progress', JSON.parse(message) as ImportStatus);
			} catch {
				// Not ours: nothing on this channel is worth crashing a listener for.
			}
		});
	};
	return {
		publish(status) {
			// Progress is advisory (the page reads the row again on reconnect): a lost message
			// only delays a bar, so a Redis hiccup must not fail the job.
			if (redis) void redis.publish(CHANNEL, JSON.stringify(status)).catch(() => undefined);
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
