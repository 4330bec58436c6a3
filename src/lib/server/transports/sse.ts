// Server-Sent Events as a web Response: message framing, a heartbeat comment so proxies do not
// time an idle stream out, and one cleanup whether the client leaves, the server shuts down or
// the client reads too slowly to keep up.
import { errorResponse } from '../http';

export interface SseMessage {
	/** Becomes the client's Last-Event-ID. A message with only an id moves it silently. */
	id?: string;
	event?: string;
	data?: string;
}

export interface EventSink {
	send(message: SseMessage): void;
	/** Ends the stream (the client may reconnect and resume). */
	end(): void;
}

export const DEFAULT_HEARTBEAT_MS = 15_000;
// Past this much unread output the client cannot keep up: ending the stream costs it only a
// reconnect and a resume from its last id, where buffering more would cost the server memory.
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
const HIGH_WATER_MARK_BYTES = 64 * 1024;

const encoder = new TextEncoder();

export function formatMessage(message: SseMessage): string {
	let text = '';
	if (message.id !== undefined) text += `id: ${message.id}\n`;
	if (message.event !== undefined) text += `event: ${message.event}\n`;
	if (message.data !== undefined) {
		for (const line of message.data.split(/\r\n|\r|\n/)) text += `data: ${line}\n`;
	}
	return text + '\n';
}

/**
 * Starts a stream: `start` gets the sink and returns how to stop its feed. When `start` throws
 * (bad input, no access) the caller gets the JSON error instead of a stream.
 */
export async function respondWithEvents(options: {
	start(sink: EventSink): Promise<() => void>;
	signal?: AbortSignal;
	heartbeatMs?: number;
}): Promise<Response> {
	let controller!: ReadableStreamDefaultController<Uint8Array>;
	let stopFeed: (() => void) | undefined;
	let heartbeat: ReturnType<typeof setInterval> | undefined;
	let isEnded = false;

	const cleanUp = () => {
		if (isEnded) return;
		isEnded = true;
		clearInterval(heartbeat);
		options.signal?.removeEventListener('abort', end);
		stopFeed?.();
	};
	function end() {
		if (isEnded) return;
		cleanUp();
		try {
			controller.close();
		} catch {
			// Already closed or cancelled by the reader.
		}
	}
	const write = (text: string) => {
		if (isEnded) return;
		controller.enqueue(encoder.encode(text));
		if ((controller.desiredSize ?? 0) < -MAX_BUFFERED_BYTES) end();
	};
	const sink: EventSink = { send: (message) => write(formatMessage(message)), end };

	const body = new ReadableStream<Uint8Array>(
		{
			start(streamController) {
				controller = streamController;
			},
			cancel: cleanUp
		},
		new ByteLengthQueuingStrategy({ highWaterMark: HIGH_WATER_MARK_BYTES })
	);
	options.signal?.addEventListener('abort', end, { once: true });

	try {
		const stop = await options.start(sink);
		// The feed may have ended itself, or the client left, while it was starting.
		if (isEnded) stop();
		else stopFeed = stop;
	} catch (error) {
		end();
		return errorResponse(error);
	}
	if (options.signal?.aborted) end();
	if (!isEnded) {
		heartbeat = setInterval(
			() => write(': heartbeat\n\n'),
			options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS
		);
	}
	return new Response(body, {
		headers: {
			'content-type': 'text/event-stream; charset=utf-8',
			'cache-control': 'no-cache, no-transform',
			// nginx would otherwise hold events back in its buffer.
			'x-accel-buffering': 'no'
		}
	});
}
