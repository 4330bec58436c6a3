// Follows the signals (domain/signals.ts) meant for one signed-in person, across their spaces:
// their inbox count, schema changes in spaces they belong to, comment counts in spaces whose
// records they read. Who belongs where is read under their identity at the start and again
// whenever their access may have changed; a signal for anyone else is dropped here.
import type { Role } from '$lib/domain/roles';
import { canReadAll } from '$lib/domain/roles';
import { SignalEventName, type Signal } from '$lib/domain/signals';
import type { Actor } from '../auth/actor';
import type { AppContext } from '../context';
import { withActor } from '../db';
import type { EventSink } from '../transports/sse';
import { unreadCount } from './notifications';
import { requireSignedIn } from './scope';

/** Each space the person belongs to, with their role there (a token's is capped by it). */
function loadMemberships(context: AppContext, actor: Actor): Promise<Map<string, Role>> {
	return withActor(context.db.runtime, actor, async (tx) => {
		const { rows } = await tx.query<{ space_id: string; role: Role }>(
			'select space_id, role from app_memberships()'
		);
		return new Map(rows.map((row) => [row.space_id, row.role]));
	});
}

/** Sends the unread count first, then the person's signals until stopped. Returns the stop. */
export async function followSignals(options: {
	context: AppContext;
	actor: Actor;
	sink: EventSink;
}): Promise<() => void> {
	const { context, actor, sink } = options;
	requireSignedIn(actor, 'follow an inbox');
	let memberships = await loadMemberships(context, actor);
	let isStopped = false;

	const sendUnread = async () => {
		try {
			const unread = await unreadCount({ context, actor });
			if (!isStopped) sink.send({ event: SignalEventName.Inbox, data: JSON.stringify({ unread }) });
		} catch (error) {
			console.error('Counting unread notifications failed', error);
		}
	};

	const deliver = (signal: Signal) => {
		if (signal.kind === 'inbox') {
			if (signal.userId === actor.userId) void sendUnread();
			return;
		}
		const role = memberships.get(signal.spaceId);
		if (!role) return;
		if (signal.kind === 'schema') {
			sink.send({
				event: SignalEventName.Schema,
				data: JSON.stringify({ spaceId: signal.spaceId })
			});
		} else if (canReadAll(role)) {
			sink.send({ event: SignalEventName.Comments, data: JSON.stringify(signal) });
		}
	};

	const cleanUps = [
		context.signals.subscribe(deliver),
		// Signals sent while this process was not listening are lost: end the stream, so the
		// browser connects again and its pages read what they show afresh ('resync').
		context.signals.onGap(() => {
			stop();
			sink.end();
		}),
		context.access.subscribe((change) => {
			if (actor.sessionId && change.sessionIds?.includes(actor.sessionId)) {
				stop();
				sink.end();
				return;
			}
			if (change.userId && change.userId !== actor.userId) return;
			if (!change.spaceId && !change.userId) return;
			void loadMemberships(context, actor).then(
				(next) => (memberships = next),
				(error) => console.error('Reading memberships for a signal stream failed', error)
			);
		})
	];
	function stop() {
		if (isStopped) return;
		isStopped = true;
		for (const cleanUp of cleanUps.splice(0)) cleanUp();
	}
	// The first count goes out once signals are heard, so a client that has it misses none.
	await context.signals.ready();
	await sendUnread();
	return stop;
}
