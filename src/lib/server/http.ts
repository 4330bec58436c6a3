// What JSON endpoints share: who is asking, the request body, and one mapping from errors to
// responses. Expected errors carry their AppError code; anything else is logged and hidden.
import { json } from '@sveltejs/kit';
import { AppError, AppErrorCode, httpStatusOf, isAppError } from '$lib/domain/errors';
import type { Actor } from './auth/actor';

export function errorResponse(error: unknown): Response {
	if (isAppError(error)) {
		const { code, message, field, details } = error;
		const retryAfter = (details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
		return json(
			{
				code,
				message,
				...(field !== undefined && { field }),
				...(details !== undefined && { details })
			},
			{
				status: httpStatusOf[code],
				headers:
					code === AppErrorCode.RateLimited && retryAfter
						? { 'retry-after': String(retryAfter) }
						: {}
			}
		);
	}
	// A policy refused what the service let through: the database's wall held, so say so
	// instead of reporting a crash.
	if ((error as { code?: unknown } | null)?.code === '42501') {
		return json({ code: AppErrorCode.Forbidden, message: 'You may not do that' }, { status: 403 });
	}
	console.error('Unexpected error in an API endpoint', error);
	return json({ code: AppErrorCode.Internal, message: 'Something went wrong' }, { status: 500 });
}

/** Runs an endpoint's work: its result as JSON (204 when there is none), or the mapped error. */
export async function respond(
	work: () => Promise<unknown>,
	init: { status?: number; headers?: Record<string, string> } = {}
): Promise<Response> {
	try {
		const body = await work();
		return body === undefined
			? new Response(null, { status: 204, headers: init.headers })
			: json(body, init);
	} catch (error) {
		return errorResponse(error);
	}
}

export function requireActor(locals: App.Locals): Actor {
	if (!locals.actor) throw new AppError(AppErrorCode.Unauthorized, 'Sign in or send an API token');
	return locals.actor;
}

export async function readJson(request: Request): Promise<unknown> {
	try {
		return await request.json();
	} catch {
		throw new AppError(AppErrorCode.InvalidInput, 'body: must be valid JSON', { field: 'body' });
	}
}
