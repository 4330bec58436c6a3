// What JSON endpoints share: who is asking, the request body, and one mapping from errors to
// responses. Expected errors carry their AppError code; anything else is logged and hidden.
import { error, json } from '@sveltejs/kit';
import { AppError, AppErrorCode, httpStatusOf, isAppError } from '$lib/domain/errors';
import { refuseUnstorableText } from '$lib/domain/text';
import type { Actor } from './auth/actor';
import { dataRefusal, policyRefusal } from './db';

export function errorResponse(caught: unknown): Response {
	// A policy refused what the service let through: the database's wall held, so say so
	// instead of reporting a crash.
	const error = policyRefusal(caught, 'You may not do that') ?? dataRefusal(caught) ?? caught;
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

/**
 * Runs a page's load: an expected failure (an AppError) becomes SvelteKit's `error` with its
 * status and message; anything else propagates, for handleError to log and hide.
 */
export async function loadOrError<T>(work: () => Promise<T>): Promise<T> {
	try {
		return await work();
	} catch (failure) {
		if (isAppError(failure)) error(failure.status, failure.message);
		throw failure;
	}
}

export function requireActor(locals: App.Locals): Actor {
	if (!locals.actor) throw new AppError(AppErrorCode.Unauthorized, 'Sign in or send an API token');
	return locals.actor;
}

/** The parsed JSON body; refused when it is not JSON or holds text Postgres cannot store. */
export async function readJson(request: Request): Promise<unknown> {
	let body: unknown;
	try {
		body = await request.json();
	} catch {
		throw new AppError(AppErrorCode.InvalidInput, 'body: must be valid JSON', { field: 'body' });
	}
	refuseUnstorableText(body);
	return body;
}
