// Who is on the other end of a socket: an API token (handshake `auth.token`, `?token=` or a
// bearer header), else the Auth.js session cookie the browser sends with the upgrade.
import { decode } from '@auth/core/jwt';
import { parseCookie, type Cookies } from 'cookie';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import { resolveBearer } from '$lib/server/auth/api-tokens';
import { isSessionLive } from '$lib/server/auth/sessions';
import type { Actor } from '$lib/server/auth/actor';
import type { AppContext } from '$lib/server/context';

export interface Credentials {
	token?: string | null;
	authorization?: string | null;
	cookie?: string | null;
}

const SESSION_COOKIES = ['__Secure-authjs.session-token', 'authjs.session-token'];

/** The session cookie's value; Auth.js splits large ones into `name.0`, `name.1`, ... */
function sessionCookie(cookies: Cookies): { name: string; value: string } | null {
	for (const name of SESSION_COOKIES) {
		const whole = cookies[name];
		if (whole) return { name, value: whole };
		const chunks: string[] = [];
		for (let index = 0; cookies[`${name}.${index}`] !== undefined; index++)
			chunks.push(cookies[`${name}.${index}`]!);
		if (chunks.length) return { name, value: chunks.join('') };
	}
	return null;
}

const unauthorized = () =>
	new AppError(AppErrorCode.Unauthorized, 'Sign in or send an API token to connect');

export async function authenticate(context: AppContext, credentials: Credentials): Promise<Actor> {
	const header =
		credentials.authorization ?? (credentials.token ? `Bearer ${credentials.token}` : null);
	if (header) {
		const actor = await resolveBearer({ context, header });
		return { ...actor, via: 'realtime' };
	}
	const session = sessionCookie(parseCookie(credentials.cookie ?? ''));
	if (!session) throw unauthorized();
	const payload = await decode({
		token: session.value,
		secret: context.authSecret,
		salt: session.name
	}).catch(() => null);
	const userId = payload?.userId;
	const sessionId = payload?.sid;
	if (typeof userId !== 'string' || typeof sessionId !== 'string') throw unauthorized();
	// An ended session's cookie is refused here as over HTTP (hooks.server.ts).
	if (!(await isSessionLive({ context, userId, sessionId }))) throw unauthorized();
	return { userId, via: 'realtime', sessionId };
}
