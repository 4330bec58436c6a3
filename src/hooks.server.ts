// Every request: security headers, the cross-site check, Auth.js, who is asking (API token or
// session), then who may pass. Services still check roles and the database policies check again.
import {
	json,
	redirect,
	type Handle,
	type HandleServerError,
	type ServerInit
} from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { Server as HttpServer } from 'node:http';
import { startRealtime, startRelay } from '$realtime/index';
import { AppErrorCode } from '$lib/domain/errors';
import { resolveBearer } from '$lib/server/auth/api-tokens';
import { handle as authHandle } from '$lib/server/auth/auth';
import { isSessionLive } from '$lib/server/auth/sessions';
import { boot, context } from '$lib/server/context';
import { errorResponse } from '$lib/server/http';
import { startJobWorkers } from '$lib/server/jobs/workers';
import { startWebhookDispatch } from '$lib/server/services/webhooks';

export const init: ServerInit = async () => {
	const app = await boot();
	// worker.js runs jobs only: no sockets, and its changes reach the app processes over Redis.
	const isWorker = (globalThis as Record<symbol, unknown>)[Symbol.for('roster.worker')] === true;
	if (isWorker || app.config.JOBS_IN_PROCESS) await startJobWorkers(app);
	// Every process that changes records queues the webhook deliveries of its own changes.
	startWebhookDispatch(app);
	if (isWorker) {
		const relay = startRelay(app);
		app.onClose(() => relay.close());
		return;
	}
	// The custom server (server.js) shares its HTTP server; `vite dev` has none to share.
	const server = (globalThis as Record<symbol, unknown>)[Symbol.for('roster.httpServer')];
	if (server instanceof HttpServer) {
		const realtime = startRealtime(app, server);
		app.onClose(() => realtime.close());
	}
};

const securityHeaders: Record<string, string> = {
	'x-content-type-options': 'nosniff',
	'referrer-policy': 'same-origin',
	'x-frame-options': 'DENY'
};

const headersHandle: Handle = async ({ event, resolve }) => {
	let response = await resolve(event);
	try {
		for (const [name, value] of Object.entries(securityHeaders)) response.headers.set(name, value);
	} catch {
		// Some responses (Response.redirect, fetch results) have immutable headers: copy them.
		response = new Response(response.body, response);
		for (const [name, value] of Object.entries(securityHeaders)) response.headers.set(name, value);
	}
	return response;
};

/**
 * Auth.js reads X-Forwarded-Proto and X-Forwarded-Host from any client to build its own URLs
 * (redirects after sign-in, which cookie names to use). Whether those headers are trusted is
 * the deployment's choice, already made by adapter-node (ORIGIN, or PROTOCOL_HEADER and
 * HOST_HEADER): so Auth.js is shown the address adapter-node settled on, not what a client
 * claims. Without this, `X-Forwarded-Proto: http` to an https deployment got plain cookies.
 */
const forwardedHandle: Handle = ({ event, resolve }) => {
	event.request.headers.set('x-forwarded-proto', event.url.protocol.slice(0, -1));
	event.request.headers.set('x-forwarded-host', event.url.host);
	return resolve(event);
};

const isUnsafeMethod = (method: string) => !['GET', 'HEAD', 'OPTIONS'].includes(method);
const hasBearer = (request: Request) =>
	request.headers.get('authorization')?.toLowerCase().startsWith('bearer ') ?? false;

/**
 * CSRF: SvelteKit's origin check covers form content types only, and only in production builds;
 * Auth.js's own CSRF token is switched off by @auth/sveltekit in favour of that check. So any
 * state-changing request a browser sends from another origin is refused here, before Auth.js
 * (`/auth/*`) and the JSON API (`/api/*`, where a JSON body rides on the session cookie) see it.
 * Requests with a bearer token are exempt: a foreign page cannot attach one.
 */
const originHandle: Handle = ({ event, resolve }) => {
	const origin = event.request.headers.get('origin');
	if (
		isUnsafeMethod(event.request.method) &&
		origin !== null &&
		origin !== event.url.origin &&
		!hasBearer(event.request)
	) {
		return json(
			{ code: AppErrorCode.Forbidden, message: 'Cross-site requests are not allowed' },
			{ status: 403 }
		);
	}
	return resolve(event);
};

/** Request bodies past this size are refused before anything reads them (uploads excepted). */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

/**
 * server.js lifts adapter-node's own body limit (512 KB, answered with a bare 500-ish error) so
 * that signed file uploads (/api/files/<token>) stream up to their own limit (IMPORT_MAX_BYTES,
 * UPLOAD_MAX_BYTES, checked as they stream). Every other body is held to MAX_BODY_BYTES here,
 * with a coded 413, and must say its length: JSON and forms are read whole.
 */
const bodyLimitHandle: Handle = ({ event, resolve }) => {
	const { request } = event;
	if (!isUnsafeMethod(request.method) || event.url.pathname.startsWith('/api/files/'))
		return resolve(event);
	const length = request.headers.get('content-length');
	const isChunked = request.headers.get('transfer-encoding') !== null;
	if (length === null && isChunked) {
		return json(
			{ code: AppErrorCode.InvalidInput, message: 'Send a Content-Length with the request body' },
			{ status: 411 }
		);
	}
	if (length !== null && Number(length) > MAX_BODY_BYTES) {
		return json(
			{
				code: AppErrorCode.TooLarge,
				message: `The request body is over ${MAX_BODY_BYTES} bytes`,
				field: 'body',
				details: { maxBytes: MAX_BODY_BYTES }
			},
			{ status: 413 }
		);
	}
	return resolve(event);
};

/**
 * Auth.js's own sign-out endpoint would only clear the cookie and leave the session live for any
 * copy of it; /signout ends it on the server first.
 */
const signOutRouteHandle: Handle = ({ event, resolve }) => {
	if (event.url.pathname === '/auth/signout') redirect(303, '/signout');
	return resolve(event);
};

const actorHandle: Handle = async ({ event, resolve }) => {
	event.locals.actor = null;
	if (hasBearer(event.request)) {
		try {
			event.locals.actor = await resolveBearer({
				context: context(),
				header: event.request.headers.get('authorization')
			});
		} catch (error) {
			return errorResponse(error);
		}
		return resolve(event);
	}
	// Without a session cookie there is nothing to decode (and Auth.js would set a callback
	// cookie on every anonymous response).
	const hasSession = event.cookies
		.getAll()
		.some(({ name }) => name.includes('authjs.session-token'));
	const session = hasSession ? await event.locals.auth() : null;
	const userId = session?.user?.id;
	const { sessionId } = session ?? {};
	// A valid signature is not enough: the session must not have ended on the server (signed
	// out, signed out everywhere, password changed). Cookies from before server-side sessions
	// name none and count as signed out.
	if (userId && sessionId && (await isSessionLive({ context: context(), userId, sessionId }))) {
		event.locals.actor = { userId, via: 'web', sessionId };
	}
	return resolve(event);
};

const isPublicPage = (path: string) =>
	path === '/signin' ||
	path === '/signup' ||
	// The links of account mails: opened from an inbox, often before signing in.
	path === '/verify-email' ||
	path === '/forgot-password' ||
	path === '/reset-password' ||
	path.startsWith('/auth/') ||
	// Static files and built assets normally never reach hooks (the server serves them first);
	// in dev they can, and must not redirect.
	// (Only these: other /_app/ paths, such as remote functions, are app code.)
	path.startsWith('/_app/immutable/') ||
	path === '/_app/version.json' ||
	path === '/favicon.svg' ||
	path === '/robots.txt';

// Endpoints that carry their own proof: signed file URLs, and the health check.
const isPublicApi = (path: string) => path === '/api/health' || path.startsWith('/api/files/');

const guardHandle: Handle = async ({ event, resolve }) => {
	const { pathname } = event.url;
	const { actor } = event.locals;

	if (pathname === '/api' || pathname.startsWith('/api/')) {
		if (actor || isPublicApi(pathname)) return resolve(event);
		return json(
			{ code: AppErrorCode.Unauthorized, message: 'Sign in or send an API token' },
			{ status: 401 }
		);
	}

	if (!actor && !isPublicPage(pathname)) {
		const target = pathname + event.url.search;
		redirect(303, target === '/' ? '/signin' : `/signin?redirectTo=${encodeURIComponent(target)}`);
	}
	return resolve(event);
};

export const handle: Handle = sequence(
	headersHandle,
	bodyLimitHandle,
	originHandle,
	signOutRouteHandle,
	forwardedHandle,
	authHandle,
	actorHandle,
	guardHandle
);

export const handleError: HandleServerError = ({ error, event, status, message }) => {
	if (status === 404) return { message: 'Not found', code: AppErrorCode.NotFound };
	// Other 4xx come from SvelteKit itself (method not allowed, bad request) with safe messages.
	if (status < 500) return { message };
	try {
		console.error(`Unexpected error on ${event.request.method} ${event.url.pathname}`, error);
	} catch {
		// Logging must never turn one error into two.
	}
	return { message: 'Something went wrong', code: AppErrorCode.Internal };
};
