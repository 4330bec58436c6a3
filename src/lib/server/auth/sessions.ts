// Server-side sessions. The Auth.js cookie (a signed JWT) names one `sessions` row (`sid`), and
// every request and socket handshake checks that the row is live, so a session ends on the
// server: signing out, "sign out everywhere" and a password change end it even for a copy of
// its cookie. Ending sessions is published on the access bus, which closes their open sockets,
// y-websocket connections and SSE streams in every process.
//
// No cache: the check is one primary-key probe through app_session_live(), about one bare
// `select 1` round trip (median 0.08 ms against 0.07 ms, 100,000 sessions in the table, local
// Postgres; `npm run bench:sessions`), and a cache would need invalidating in every process
// before a revocation could count as done.
import { z } from 'zod';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import { deviceLabel, DEVICE_LABEL_MAX_LENGTH } from '$lib/domain/device-label';
import type { AppContext } from '../context';
import { withActor, type Tx } from '../db';
import { parseInput } from '../services/validate';
import type { Actor } from './actor';

/** How long a session lasts unused; each use slides it forward (Auth.js's cookie does the same). */
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

export interface Session {
	id: string;
	device: string;
	ip: string | null;
	createdAt: Date;
	lastSeenAt: Date;
	expiresAt: Date;
	/** The session the request came with. */
	isCurrent: boolean;
}

const sessionId = z.uuid('must be a session id');
const endInput = z.object({ id: sessionId });

const asSelf = (userId: string): Actor => ({ userId, via: 'web' });

/** Opens a session for a user who has just proven who they are; returns its id for the cookie. */
export async function startSession(options: {
	context: AppContext;
	userId: string;
	userAgent?: string | null;
	ip?: string | null;
}): Promise<string> {
	const { context, userId } = options;
	return withActor(context.db.runtime, asSelf(userId), async (tx) => {
		// Ended and expired sessions have nothing left to show: each sign-in tidies its own.
		await tx.query(
			`delete from sessions where user_id = $1 and (revoked_at is not null or expires_at < now())`,
			[userId]
		);
		const { rows } = await tx.query<{ id: string }>(
			`insert into sessions (user_id, device, ip, expires_at)
			 values ($1, $2, $3, now() + make_interval(secs => $4))
			 returning id`,
			[
				userId,
				deviceLabel(options.userAgent).slice(0, DEVICE_LABEL_MAX_LENGTH),
				options.ip?.slice(0, 64) ?? null,
				SESSION_MAX_AGE_SECONDS
			]
		);
		return rows[0]!.id;
	});
}

/**
 * Whether the cookie's session is live (not ended, not expired, of this user); a live one is
 * marked seen. One statement, no transaction: the hot path of every signed-in request.
 */
export async function isSessionLive(options: {
	context: AppContext;
	userId: string;
	sessionId: unknown;
}): Promise<boolean> {
	const { context, userId } = options;
	const id = sessionId.safeParse(options.sessionId);
	if (!id.success || !z.uuid().safeParse(userId).success) return false;
	const { rows } = await context.db.runtime.query<{ live: boolean }>(
		'select app_session_live($1, $2, $3) as live',
		[id.data, userId, SESSION_MAX_AGE_SECONDS]
	);
	return rows[0]?.live === true;
}

/** The signed-in person's live sessions, most recently used first. */
export function listSessions(options: { context: AppContext; actor: Actor }): Promise<Session[]> {
	const { context, actor } = options;
	return withActor(context.db.runtime, actor, async (tx) => {
		const { rows } = await tx.query<Omit<Session, 'isCurrent'>>(
			`select id, device, ip, created_at as "createdAt", last_seen_at as "lastSeenAt",
			        expires_at as "expiresAt"
			   from sessions
			  where user_id = $1 and revoked_at is null and expires_at > now()
			  order by last_seen_at desc, created_at desc`,
			[actor.userId]
		);
		return rows.map((row) => ({ ...row, isCurrent: row.id === actor.sessionId }));
	});
}

/** Ends one of the signed-in person's own sessions (another device's, or this one). */
export async function endSession(options: {
	context: AppContext;
	actor: Actor;
	id: unknown;
}): Promise<void> {
	const { context, actor } = options;
	const { id } = parseInput(endInput, { id: options.id });
	const ended = await withActor(context.db.runtime, actor, async (tx) => {
		const { rows } = await tx.query<{ id: string }>(
			`update sessions set revoked_at = now()
			  where id = $1 and user_id = $2 and revoked_at is null
			  returning id`,
			[id, actor.userId]
		);
		return rows.map((row) => row.id);
	});
	if (!ended.length)
		throw new AppError(AppErrorCode.NotFound, 'Session not found', { field: 'id' });
	publishEndedSessions(context, actor.userId, ended);
}

/** "Sign out everywhere": ends every session of the signed-in person, this one included. */
export async function endAllSessions(options: {
	context: AppContext;
	actor: Actor;
}): Promise<void> {
	const { context, actor } = options;
	// A token scoped to one space must not sign its owner out of everything.
	if (actor.token) {
		throw new AppError(AppErrorCode.Forbidden, 'API tokens cannot end sessions; sign in');
	}
	await endUserSessions({ context, userId: actor.userId });
}

/**
 * Ends every live session of a user, but `exceptSessionId` when given (a password change keeps
 * the session it was made in). For "sign out everywhere", a password change or reset, and an
 * account that must lose access at once. Open connections of those sessions are closed.
 */
export async function endUserSessions(options: {
	context: AppContext;
	userId: string;
	exceptSessionId?: string;
}): Promise<void> {
	const { context, userId } = options;
	const ended = await withActor(context.db.runtime, asSelf(userId), (tx) =>
		revokeUserSessions(tx, { userId, exceptSessionId: options.exceptSessionId })
	);
	publishEndedSessions(context, userId, ended);
}

/**
 * endUserSessions inside the caller's transaction, for a change that must commit together with
 * the revocation (a new password); the caller publishes the ids once it has committed.
 */
export async function revokeUserSessions(
	tx: Tx,
	options: { userId: string; exceptSessionId?: string }
): Promise<string[]> {
	const except = sessionId.optional().parse(options.exceptSessionId);
	const { rows } = await tx.query<{ id: string }>(
		`update sessions set revoked_at = now()
		  where user_id = $1 and revoked_at is null and id is distinct from $2::uuid
		  returning id`,
		[options.userId, except ?? null]
	);
	return rows.map((row) => row.id);
}

/** Tells open connections in every process that these sessions ended; after commit only. */
export function publishEndedSessions(context: AppContext, userId: string, ids: string[]): void {
	if (ids.length) context.access.publish({ userId, sessionIds: ids });
}
