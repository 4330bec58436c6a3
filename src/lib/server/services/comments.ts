// Comments on a record: list, add (with @mentions resolved to members), delete, and count per
// record for the grid. Anyone who can read the record may comment as themselves; authors delete
// their own, owners any. The policies on `comments` hold the same rules, so these checks only
// make the refusal clear. Adding one notifies who it mentions and who follows the record, and
// makes its author a follower; every change signals open pages with the record's new count.
import { z } from 'zod';
import { isUuid } from '$lib/domain/ids';
import type { RecordComment } from '$lib/domain/comments';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import { mentionedUserIds, type Mentionable } from '$lib/domain/mentions';
import type { Actor } from '../auth/actor';
import type { AppContext } from '../context';
import { sendSignal } from '../signals';
import { follow } from './follows';
import { notify } from './notifications';
import { requireReader, requireRecord } from './record-access';
import { inSpace, requireScope, type SpaceScope } from './scope';
import { parseInput } from './validate';

interface InRecord {
	context: AppContext;
	actor: Actor;
	space: string;
	/** The record id. */
	id: string;
}

export const MAX_COMMENT_LENGTH = 10_000;
const MAX_LISTED = 1_000;

const addInput = z.object({
	body: z
		.string({ error: 'must be the text of the comment' })
		.trim()
		.min(1, 'must not be empty')
		.max(MAX_COMMENT_LENGTH, 'must be at most 10,000 characters')
});

interface CommentRow {
	id: string;
	body: string;
	created_at: Date;
	author_id: string | null;
	author_name: string | null;
	mentions: string[];
}

const requireCommenter = (scope: SpaceScope) => requireReader(scope, 'read or write comments');

/** Tells open pages (the record's, the grid's badge) how many comments the record has now. */
async function signalCount(scope: SpaceScope, recordId: string, typeId: string): Promise<void> {
	const { rows } = await scope.tx.query<{ count: number }>(
		'select count(*)::int as count from comments where space_id = $1 and entity_id = $2',
		[scope.space.id, recordId]
	);
	await sendSignal(scope.tx, {
		kind: 'comments',
		spaceId: scope.space.id,
		typeId,
		recordId,
		count: rows[0]!.count
	});
}

/** Members who can read records, and so can be mentioned. */
async function mentionable(scope: SpaceScope): Promise<Mentionable[]> {
	const { rows } = await scope.tx.query<Mentionable>(
		`select u.id, u.name, u.email from memberships m join users u on u.id = m.user_id
		  where m.space_id = $1 and m.role <> 'checkin'`,
		[scope.space.id]
	);
	return rows;
}

async function toComments(scope: SpaceScope, rows: CommentRow[]): Promise<RecordComment[]> {
	const ids = [...new Set(rows.flatMap((row) => row.mentions))];
	const names = new Map<string, string>();
	if (ids.length) {
		const { rows: users } = await scope.tx.query<{ id: string; name: string }>(
			'select id, name from users where id = any ($1::uuid[])',
			[ids]
		);
		for (const user of users) names.set(user.id, user.name);
	}
	const isOwner = scope.space.role === 'owner';
	return rows.map((row) => ({
		id: row.id,
		body: row.body,
		createdAt: row.created_at.toISOString(),
		author: row.author_id ? { id: row.author_id, name: row.author_name ?? 'Former member' } : null,
		mentions: row.mentions
			.filter((userId) => names.has(userId))
			.map((userId) => ({ id: userId, name: names.get(userId)! })),
		canDelete: isOwner || row.author_id === scope.actor.userId
	}));
}

const selectComments = `select c.id, c.body, c.created_at, c.author_id, u.name as author_name,
                               c.mentions::text[] as mentions
                          from comments c left join users u on u.id = c.author_id`;

/** A record's comments, oldest first (a conversation reads down). */
export function listComments(options: InRecord): Promise<RecordComment[]> {
	return inSpace(options.context, options.actor, options.space, async (scope) => {
		requireCommenter(scope);
		await requireRecord(scope, options.id);
		const { rows } = await scope.tx.query<CommentRow>(
			`${selectComments}
			  where c.space_id = $1 and c.entity_id = $2
			  order by c.created_at, c.id
			  limit ${MAX_LISTED}`,
			[scope.space.id, options.id]
		);
		return toComments(scope, rows);
	});
}

/** Adds a comment as the caller; "@Name" and "@email" of members become its mentions. */
export async function addComment(options: InRecord & { input: unknown }): Promise<RecordComment> {
	const { context, actor } = options;
	const { body } = parseInput(addInput, options.input);
	requireScope(actor, 'write');
	await context.kv.writeLimiter.consume(actor.userId);
	return inSpace(context, actor, options.space, async (scope) => {
		requireCommenter(scope);
		const typeId = await requireRecord(scope, options.id);
		const mentions = mentionedUserIds(body, await mentionable(scope));
		const { rows } = await scope.tx.query<{ id: string }>(
			`insert into comments (space_id, entity_id, author_id, body, mentions)
			 values ($1, $2, $3, $4, $5::uuid[]) returning id`,
			[scope.space.id, options.id, actor.userId, body, mentions]
		);
		const commentId = rows[0]!.id;
		const record = { recordId: options.id, typeId, commentId, summary: body };
		await notify(scope, { ...record, kind: 'mention', userIds: mentions });
		// Followers hear of the comment unless it already mentions them.
		const { rows: followers } = await scope.tx.query<{ user_id: string }>(
			'select user_id from record_follows where space_id = $1 and entity_id = $2',
			[scope.space.id, options.id]
		);
		const others = followers.map((row) => row.user_id).filter((id) => !mentions.includes(id));
		await notify(scope, { ...record, kind: 'comment', userIds: others });
		await follow(scope, options.id);
		await signalCount(scope, options.id, typeId);
		const created = await scope.tx.query<CommentRow>(`${selectComments} where c.id = $1`, [
			commentId
		]);
		return (await toComments(scope, created.rows))[0]!;
	});
}

/** Deletes a comment: the author's own, or any when the caller owns the space. */
export function deleteComment(options: InRecord & { comment: string }): Promise<void> {
	const { context, actor, comment } = options;
	requireScope(actor, 'write');
	return inSpace(context, actor, options.space, async (scope) => {
		requireCommenter(scope);
		const notFound = new AppError(AppErrorCode.NotFound, `Comment ${comment} not found`, {
			field: 'comment'
		});
		if (!isUuid(comment)) throw notFound;
		const deleted = await scope.tx.query<{ entity_id: string }>(
			'delete from comments where id = $1 and space_id = $2 and entity_id = $3 returning entity_id',
			[comment, scope.space.id, options.id]
		);
		if (deleted.rowCount) {
			await signalCount(scope, options.id, await requireRecord(scope, options.id));
			return;
		}
		// The policy let nothing through: say whether it was someone else's or not there at all.
		const { rowCount } = await scope.tx.query(
			'select 1 from comments where id = $1 and space_id = $2 and entity_id = $3',
			[comment, scope.space.id, options.id]
		);
		if (!rowCount) throw notFound;
		throw new AppError(AppErrorCode.Forbidden, 'You can only delete your own comments', {
			field: 'comment'
		});
	});
}

const MAX_COUNTED = 500;

const countInput = z.object({
	ids: z
		.array(z.uuid({ error: 'must be record ids' }), { error: 'must be a list of record ids' })
		.max(MAX_COUNTED, `must name at most ${MAX_COUNTED} records`)
});

/**
 * How many comments each of the given records has (the grid asks for the rows it loaded);
 * records without any are left out.
 */
export async function countComments(options: {
	context: AppContext;
	actor: Actor;
	space: string;
	input: unknown;
}): Promise<Record<string, number>> {
	const { ids } = parseInput(countInput, options.input);
	return inSpace(options.context, options.actor, options.space, async (scope) => {
		requireCommenter(scope);
		if (!ids.length) return {};
		const { rows } = await scope.tx.query<{ entity_id: string; count: number }>(
			`select entity_id, count(*)::int as count from comments
			  where space_id = $1 and entity_id = any ($2::uuid[]) group by entity_id`,
			[scope.space.id, ids]
		);
		return Object.fromEntries(rows.map((row) => [row.entity_id, row.count]));
	});
}
