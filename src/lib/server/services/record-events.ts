// Follows a space's record changes for one caller: the types asked for, with only the values the
// caller's role may read, from where the caller left off (Last-Event-ID). Read-only: writes go
// through the REST API and the one write path, whose committed changes feed the event log.
import { z } from 'zod';
import type { EntityType } from '$lib/domain/schema';
import { AppError, AppErrorCode, isAppError } from '$lib/domain/errors';
import { eventIdPattern, RecordEventName, type RecordChangeEvent } from '$lib/domain/record-events';
import { visibleValues } from '$lib/domain/realtime/visibility';
import { canReadAll } from '$lib/domain/roles';
import type { Actor } from '../auth/actor';
import type { AppContext } from '../context';
import { compareEventIds, type ChangeEvent, type LoggedEvent, type ReadResult } from '../events';
import type { EventSink } from '../transports/sse';
import { findEntityType } from './schema';
import { inSpace } from './scope';
import { parseInput } from './validate';

const MAX_TYPES = 50;
/** How often a live stream checks that its caller may still read what it follows. */
export const DEFAULT_ACCESS_CHECK_MS = 60_000;

const inputSchema = z.object({
	types: z
		.string()
		.max(5_000)
		.optional()
		.transform((value) =>
			value === undefined
				? undefined
				: [
						...new Set(
							value
								.split(',')
								.map((key) => key.trim())
								.filter(Boolean)
						)
					]
		)
		.refine((keys) => keys === undefined || keys.length > 0, 'name at least one record type')
		.refine((keys) => keys === undefined || keys.length <= MAX_TYPES, `at most ${MAX_TYPES} types`),
	lastEventId: z
		.string()
		.regex(eventIdPattern, 'must be an event id as sent in `id:`, such as 1767225600000-0')
		.optional()
});

export type RecordEventsInput = z.input<typeof inputSchema>;

/** What the caller may see of the space's changes, worked out under their identity (RLS). */
interface Access {
	spaceId: string;
	/** The ids of the types asked for, to check again by id (keys and slugs may be renamed). */
	selectedTypeIds?: string[];
	/** The types whose changes pass; undefined for all (a role that reads the whole space). */
	typeIds?: ReadonlySet<string>;
	/** Per type, the fields a check-in member may read; undefined when the role reads them all. */
	readableKeys?: ReadonlyMap<string, ReadonlySet<string>>;
}

function resolveAccess(
	context: AppContext,
	actor: Actor,
	spaceRef: string,
	typeRefs: string[] | undefined
): Promise<Access> {
	return inSpace(context, actor, spaceRef, async ({ space, types }) => {
		// `types` holds only what the policies let this caller see, so a type hidden from a
		// check-in member is as unknown as one that does not exist.
		const selected = typeRefs?.map((key) => {
			try {
				return findEntityType(types, key);
			} catch (error) {
				if (!isAppError(error) || error.code !== AppErrorCode.NotFound) throw error;
				throw new AppError(
					AppErrorCode.InvalidInput,
					`types: no record type "${key}" in this space`,
					{
						field: 'types'
					}
				);
			}
		});
		const selectedTypeIds = selected?.map((type) => type.id);
		if (canReadAll(space.role)) {
			return { spaceId: space.id, selectedTypeIds, typeIds: selected && new Set(selectedTypeIds) };
		}
		const followed: EntityType[] = selected ?? types;
		return {
			spaceId: space.id,
			selectedTypeIds,
			typeIds: new Set(followed.map((type) => type.id)),
			readableKeys: new Map(
				followed.map((type) => [
					type.id,
					new Set(
						type.attributes
							.filter((attribute) => attribute.checkinAccess !== 'none')
							.map((attribute) => attribute.key)
					)
				])
			)
		};
	});
}

/** The change as this caller may see it, or undefined when nothing of it is theirs to see. */
function project(access: Access, change: ChangeEvent): RecordChangeEvent | undefined {
	if (access.typeIds && !access.typeIds.has(change.entityTypeId)) return undefined;
	const keys = access.readableKeys?.get(change.entityTypeId);
	if (access.readableKeys && !keys) return undefined;
	const values = visibleValues(change.action, change.values, keys);
	if (!values) return undefined;
	return {
		id: change.entityId,
		type: change.entityTypeKey,
		action: change.action,
		values,
		by: change.actorId,
		at: change.at,
		...(change.mergedInto ? { mergedInto: change.mergedInto } : {}),
		...(change.position !== undefined ? { position: change.position } : {})
	};
}

export interface FollowRecordEventsOptions {
	context: AppContext;
	actor: Actor;
	space: string;
	/** `types` (comma-separated keys) and `lastEventId` (the header's or the query's). */
	input: unknown;
	sink: EventSink;
	accessCheckMs?: number;
}

/**
 * Checks access, then sends the missed changes after `lastEventId` (or a `reset` when they are
 * no longer kept), a `ready`, and live changes until stopped. Returns the stop function.
 */
export async function followRecordEvents(options: FollowRecordEventsOptions): Promise<() => void> {
	const { context, actor, sink } = options;
	const input = parseInput(inputSchema, options.input);
	let access = await resolveAccess(context, actor, options.space, input.types);

	// Live events wait here until the backlog is out; `cursor` is the last id sent (or passed
	// over), so an event that is both in the backlog and live goes out once.
	let waiting: LoggedEvent[] | undefined = [];
	let cursor = '0-0';
	const deliver = (events: LoggedEvent[]) => {
		let passedOver: string | undefined;
		for (const event of events) {
			if (compareEventIds(event.id, cursor) <= 0) continue;
			cursor = event.id;
			const change = project(access, event.change);
			if (!change) {
				passedOver = event.id;
				continue;
			}
			passedOver = undefined;
			sink.send({ id: event.id, event: RecordEventName.Change, data: JSON.stringify(change) });
		}
		// Moves the client's Last-Event-ID past changes it may not see, so a later resume does
		// not ask for an id that has long left the window.
		if (passedOver) sink.send({ id: passedOver });
	};

	let isStopped = false;
	const cleanUps: (() => void)[] = [];
	const stop = () => {
		if (isStopped) return;
		isStopped = true;
		for (const cleanUp of cleanUps.splice(0)) cleanUp();
	};

	const unsubscribe = await context.events.subscribe(access.spaceId, {
		onEvents(events) {
			if (waiting) waiting.push(...events);
			else deliver(events);
		},
		onClose() {
			stop();
			sink.end();
		}
	});
	if (isStopped) unsubscribe();
	else cleanUps.push(unsubscribe);
	let backlog: ReadResult;
	try {
		backlog = await context.events.read(access.spaceId, input.lastEventId);
	} catch (error) {
		stop();
		throw error;
	}

	if (backlog.isReset) {
		cursor = backlog.head;
		sink.send({
			id: backlog.head,
			event: RecordEventName.Reset,
			data: JSON.stringify({ reason: 'The changes after that event are no longer kept' })
		});
	} else {
		cursor = input.lastEventId ?? backlog.head;
		deliver(backlog.events);
		if (compareEventIds(backlog.head, cursor) > 0) cursor = backlog.head;
		sink.send({ id: cursor, event: RecordEventName.Ready, data: '{}' });
	}
	const early = waiting;
	waiting = undefined;
	deliver(early);
	if (isStopped) return stop;

	// A member removed, a token revoked, a type deleted or a field hidden from check-in after
	// connecting: the stream follows at once when the change is published (from any process),
	// and within one periodic check otherwise; it ends when the caller may no longer read the
	// space.
	let isChecking = false;
	let checkAgain = false;
	const checkAccess = async () => {
		if (isStopped) return;
		if (isChecking) {
			checkAgain = true;
			return;
		}
		isChecking = true;
		try {
			access = await resolveAccess(context, actor, access.spaceId, access.selectedTypeIds);
		} catch (error) {
			if (isAppError(error)) {
				stop();
				sink.end();
			} else {
				console.error('Checking access of a record event stream failed', error);
			}
		} finally {
			isChecking = false;
		}
		if (checkAgain) {
			checkAgain = false;
			await checkAccess();
		}
	};
	const accessCheck = setInterval(
		() => void checkAccess(),
		options.accessCheckMs ?? DEFAULT_ACCESS_CHECK_MS
	);
	accessCheck.unref?.();
	cleanUps.push(() => clearInterval(accessCheck));
	cleanUps.push(
		context.access.subscribe((change) => {
			if (actor.sessionId && change.sessionIds?.includes(actor.sessionId)) {
				stop();
				sink.end();
				return;
			}
			if (change.spaceId !== access.spaceId) return;
			if (change.tokenId && change.tokenId === actor.token?.id) {
				stop();
				sink.end();
				return;
			}
			if (!change.userId || change.userId === actor.userId) void checkAccess();
		})
	);
	return stop;
}
