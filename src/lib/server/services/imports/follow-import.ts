// An import's progress as a stream for its page: the status now, then each change the job
// publishes (from whichever process runs it), until the import is finished.
import { isFinished } from '$lib/domain/imports';
import type { Actor } from '../../auth/actor';
import type { AppContext } from '../../context';
import type { EventSink } from '../../transports/sse';
import { getImport } from './get-import';

export async function followImport(options: {
	context: AppContext;
	actor: Actor;
	space: string;
	id: string;
	sink: EventSink;
}): Promise<() => void> {
	const { context, sink } = options;
	// Subscribe before reading, so no step between the read and the subscription is missed.
	const queued: Parameters<Parameters<typeof context.progress.subscribe>[0]>[0][] = [];
	let isLive = false;
	const unsubscribe = context.progress.subscribe((status) => {
		if (status.id !== options.id) return;
		if (!isLive) {
			queued.push(status);
			return;
		}
		sink.send({ event: 'status', data: JSON.stringify(status) });
		if (isFinished(status.state)) sink.end();
	});
	try {
		const now = await getImport(options);
		sink.send({ event: 'status', data: JSON.stringify(now) });
		isLive = true;
		for (const status of queued) sink.send({ event: 'status', data: JSON.stringify(status) });
		if (isFinished(now.state)) setTimeout(() => sink.end(), 0);
	} catch (error) {
		unsubscribe();
		throw error;
	}
	return unsubscribe;
}
