// Reads a text/event-stream the way EventSource parses it, for tests: each message with its id,
// event name and data, and comment lines (heartbeats) as messages of their own.

export interface SseFrame {
	id?: string;
	event?: string;
	data?: string;
	comment?: string;
}

export class SseReader {
	readonly frames: SseFrame[] = [];
	/** Resolves when the server ends the stream (or the reader is closed). */
	readonly ended: Promise<void>;
	private isEnded = false;
	private notify: (() => void)[] = [];
	private reader: ReadableStreamDefaultReader<Uint8Array>;

	constructor(
		readonly response: Response,
		private readonly abort?: AbortController
	) {
		if (!response.body) throw new Error('The response has no body');
		this.reader = response.body.getReader();
		this.ended = this.pump();
	}

	private async pump(): Promise<void> {
		const decoder = new TextDecoder();
		let buffer = '';
		try {
			for (;;) {
				const { done, value } = await this.reader.read();
				if (done) break;
				buffer += decoder.decode(value, { stream: true });
				let end: number;
				while ((end = buffer.indexOf('\n\n')) >= 0) {
					this.frames.push(parseBlock(buffer.slice(0, end)));
					buffer = buffer.slice(end + 2);
				}
				this.wake();
			}
		} catch {
			// Aborted by close().
		} finally {
			this.isEnded = true;
			this.wake();
		}
	}

	private wake(): void {
		for (const resolve of this.notify.splice(0)) resolve();
	}

	/** Every frame up to and including the first one (from `from`) that matches. */
	async until(match: (frame: SseFrame) => boolean, from = 0): Promise<SseFrame[]> {
		for (;;) {
			const index = this.frames.findIndex((frame, at) => at >= from && match(frame));
			if (index >= 0) return this.frames.slice(from, index + 1);
			if (this.isEnded) {
				throw new Error(`The stream ended first; got ${JSON.stringify(this.frames.slice(from))}`);
			}
			await new Promise<void>((resolve) => this.notify.push(resolve));
		}
	}

	/** The changes (parsed `data`) among the frames, from `from`. */
	changes(from = 0): ({ eventId: string } & Record<string, unknown>)[] {
		return this.frames
			.slice(from)
			.filter((frame) => frame.event === 'change')
			.map((frame) => ({ eventId: frame.id!, ...JSON.parse(frame.data!) }));
	}

	async close(): Promise<void> {
		this.abort?.abort();
		await this.reader.cancel().catch(() => undefined);
		await this.ended;
	}
}

function parseBlock(block: string): SseFrame {
	const frame: SseFrame = {};
	for (const line of block.split('\n')) {
		if (line.startsWith(':')) {
			frame.comment = line.slice(1).trim();
			continue;
		}
		const colon = line.indexOf(':');
		const field = colon < 0 ? line : line.slice(0, colon);
		const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
		if (field === 'id') frame.id = value;
		else if (field === 'event') frame.event = value;
		else if (field === 'data')
			frame.data = frame.data === undefined ? value : `${frame.data}\n${value}`;
	}
	return frame;
}

export const isChange = (frame: SseFrame) => frame.event === 'change';
export const changeNamed =
	(name: string) =>
	(frame: SseFrame): boolean =>
		frame.event === 'change' &&
		(JSON.parse(frame.data!) as { values: Record<string, unknown> }).values.name === name;
