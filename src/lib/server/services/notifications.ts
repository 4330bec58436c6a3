// The inbox: notifications for the caller across their spaces, the unread count, marking read.
// `notify` writes them for a use case in its own transaction (comments.ts); record changes and
// assignments are written by the trigger in 0015_notifications, which every write path reaches.
// The policies show a person only their own; each change sends the recipient an inbox signal.
import { z } from 'zod';
import { kindOf } from '$lib/domain/attributes';
import type { Inbox, InboxItem, NotificationKind } from '$lib/domain/notifications';
import { titleFieldOf } from '$lib/domain/view-fields';
import type { Actor } from '../auth/actor';
import type { AppContext } from '../context';
import { withActor, type Tx } from '../db';
import { sendSignal } from '../signals';
import { loadRecords } from './records/read';
import { loadEntityTypes, resolveSpace } from './schema';
import { requireScope, type SpaceScope } from './scope';
import { parseInput } from './validate';

const LISTED = 100;
const SUMMARY_LENGTH = 300;

/**
 * Notifies `userIds` (the caller left out) of something the caller did to a record, in the
 * caller's transaction; only members who read whole records get one.
 */
export async function notify(
	scope: SpaceScope,
	options: {
		kind: NotificationKind;
		userIds: string[];
		recordId: string;
		typeId: string;
		commentId?: string;
		summary: string;
	}
): Promise<void> {
	const recipients = options.userIds.filter((id) => id !== scope.actor.userId);
	if (!recipients.length) return;
	// Read first: RETURNING would need the new rows to be visible to the caller, and the
	// policies show a notification to its recipient only.
	const { rows } = await scope.tx.query<{ user_id: string }>(
		`select user_id from memberships
		  where space_id = $1 and user_id = any ($2::uuid[]) and role <> 'checkin'`,
		[scope.space.id, recipients]
	);
	if (!rows.length) return;
	await scope.tx.query(
		`insert into notifications (space_id, user_id, kind, entity_id, entity_type_id, actor_id, comment_id, summary)
		 select $1, user_id, $3, $4, $5, $6, $7, $8 from unnest($2::uuid[]) as r (user_id)`,
		[
			scope.space.id,
			rows.map((row) => row.user_id),
			options.kind,
			options.recordId,
			options.typeId,
			scope.actor.userId,
			options.commentId ?? null,
			options.summary.replace(/\s+/g, ' ').trim().slice(0, SUMMARY_LENGTH)
		]
	);
	for (const row of rows) await sendSignal(scope.tx, { kind: 'inbox', userId: row.user_id });
}

async function countUnread(tx: Tx): Promise<number> {
	const { rows } = await tx.query<{ count: number }>(
		`select count(*)::int as count from notifications
		  where user_id = app_user_id() and read_at is null`
	);
	return rows[0]!.count;
}

/** The caller's unread notifications, over every space they read. */
export function unreadCount(options: { context: AppContext; actor: Actor }): Promise<number> {
	return withActor(options.context.db.runtime, options.actor, countUnread);
}

interface NotificationRow {
	id: string;
	kind: NotificationKind;
	space_id: string;
	entity_id: string;
	entity_type_id: string;
	actor_id: string | null;
	actor_name: string | null;
	summary: string;
	created_at: Date;
	read_at: Date | null;
}

type RecordPlace = Pick<InboxItem, 'space' | 'type'> & { title: string };

/**
 * Where each notified record lives and its title, read with the title field of its type (as
 * the grid names records). A record whose type the caller can no longer see is left out.
 */
async function placeRecords(
	context: AppContext,
	tx: Tx,
	rows: NotificationRow[]
): Promise<Map<string, RecordPlace>> {
	const places = new Map<string, RecordPlace>();
	for (const spaceId of new Set(rows.map((row) => row.space_id))) {
		const space = await resolveSpace(tx, spaceId);
		for (const type of await loadEntityTypes({ tx, space, cache: context.kv.cache })) {
			const ids = [
				...new Set(rows.filter((row) => row.entity_type_id === type.id).map((row) => row.entity_id))
			];
			if (!ids.length) continue;
			const titleKey = titleFieldOf(type);
			const title = type.attributes.find((attribute) => attribute.key === titleKey);
			const records = await loadRecords({
				tx,
				spaceId,
				type,
				ids,
				select: title ? [title.key] : []
			});
			for (const record of records) {
				const value = title ? record[title.key] : null;
				const text =
					title && value !== null && value !== undefined
						? kindOf(title.kind).format(value as never, title.options as never)
						: '';
				places.set(record.id, {
					space: { slug: space.slug, name: space.name },
					type: { key: type.key, name: type.name },
					title: text || 'Untitled record'
				});
			}
		}
	}
	return places;
}

/** The caller's latest notifications (newest first) and how many are unread. */
export function listInbox(options: { context: AppContext; actor: Actor }): Promise<Inbox> {
	const { context, actor } = options;
	return withActor(context.db.runtime, actor, async (tx) => {
		const { rows } = await tx.query<NotificationRow>(
			`select n.id, n.kind, n.space_id, n.entity_id, n.entity_type_id, n.actor_id,
			        u.name as actor_name, n.summary, n.created_at, n.read_at
			   from notifications n left join users u on u.id = n.actor_id
			  where n.user_id = app_user_id()
			  order by n.created_at desc, n.id
			  limit ${LISTED}`
		);
		const places = await placeRecords(context, tx, rows);
		const items: InboxItem[] = rows.flatMap((row) => {
			const place = places.get(row.entity_id);
			if (!place) return [];
			return [
				{
					id: row.id,
					kind: row.kind,
					space: place.space,
					type: place.type,
					record: { id: row.entity_id, title: place.title },
					actor: row.actor_id
						? { id: row.actor_id, name: row.actor_name ?? 'Former member' }
						: null,
					summary: row.summary,
					createdAt: row.created_at.toISOString(),
					isRead: row.read_at !== null
				}
			];
		});
		return { items, unread: await countUnread(tx) };
	});
}

const markInput = z.union([
	z.object({ all: z.literal(true) }),
	z.object({
		ids: z
			.array(z.uuid('must be notification ids'), { error: 'must be a list of notification ids' })
			.min(1, 'must name at least one notification')
			.max(LISTED, `must name at most ${LISTED} notifications`)
	})
]);

/** Marks notifications read: `{ ids }` or `{ all: true }`. Answers the unread count left. */
export async function markRead(options: {
	context: AppContext;
	actor: Actor;
	input: unknown;
}): Promise<{ unread: number }> {
	const { context, actor } = options;
	const input = parseInput(markInput, options.input);
	requireScope(actor, 'write');
	return withActor(context.db.runtime, actor, async (tx) => {
		const ids = 'ids' in input ? input.ids : null;
		const { rowCount } = await tx.query(
			`update notifications set read_at = now()
			  where user_id = app_user_id() and read_at is null
			    and ($1::uuid[] is null or id = any ($1::uuid[]))`,
			[ids]
		);
		// The caller's other tabs and devices show the new count too.
		if (rowCount) await sendSignal(tx, { kind: 'inbox', userId: actor.userId });
		return { unread: await countUnread(tx) };
	});
}
