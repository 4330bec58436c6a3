// Auth.js for SvelteKit: email and password always, Google and Microsoft Entra ID when their
// settings are present. Sessions are JWTs in a cookie carrying our users.id (`token.userId`)
// and the id of a server-side session (`token.sid`, see sessions.ts) that every request checks,
// so a session can be ended. No Auth.js adapter tables exist: users live in our own `users`.
import { CredentialsSignin, SvelteKitAuth, type SvelteKitAuthConfig } from '@auth/sveltekit';
import Credentials from '@auth/sveltekit/providers/credentials';
import Google from '@auth/sveltekit/providers/google';
import MicrosoftEntraID from '@auth/sveltekit/providers/microsoft-entra-id';
import type { RequestEvent } from '@sveltejs/kit';
import { AppErrorCode, isAppError } from '$lib/domain/errors';
import type { Config } from '../config';
import { context, type AppContext } from '../context';
import { endSession, SESSION_MAX_AGE_SECONDS, startSession } from './sessions';
import { findOrRegisterOAuthUser, verifyCredentials } from './users';

declare module '@auth/core/types' {
	interface Session {
		/** The server-side session the cookie names (`sessions.id`). */
		sessionId?: string;
	}
}

export type SignInFailure = 'invalid_credentials' | 'rate_limited' | 'invalid_input';

/**
 * Thrown from `authorize`. Auth.js rethrows subclasses of CredentialsSignin out of server-side
 * form actions unchanged, so the sign-in action can show what went wrong.
 */
export class SignInFailed extends CredentialsSignin {
	readonly retryAfterSeconds?: number;

	constructor(code: SignInFailure, retryAfterSeconds?: number) {
		super();
		this.code = code;
		this.retryAfterSeconds = retryAfterSeconds;
	}
}

export interface OAuthProvider {
	id: 'google' | 'microsoft-entra-id';
	name: string;
}

/** The OAuth providers this deployment offers, for the sign-in page. */
export function oauthProviders(config: Config): OAuthProvider[] {
	const providers: OAuthProvider[] = [];
	if (config.AUTH_GOOGLE_ID && config.AUTH_GOOGLE_SECRET) {
		providers.push({ id: 'google', name: 'Google' });
	}
	if (
		config.AUTH_MICROSOFT_ENTRA_ID_ID &&
		config.AUTH_MICROSOFT_ENTRA_ID_SECRET &&
		config.AUTH_MICROSOFT_ENTRA_ID_ISSUER
	) {
		providers.push({ id: 'microsoft-entra-id', name: 'Microsoft' });
	}
	return providers;
}

function clientAddress(event: RequestEvent): string {
	try {
		return event.getClientAddress();
	} catch {
		return 'unknown';
	}
}

function toSignInFailed(error: unknown): unknown {
	if (!isAppError(error)) return error;
	if (error.code === AppErrorCode.RateLimited) {
		const { retryAfterSeconds } = (error.details ?? {}) as { retryAfterSeconds?: number };
		return new SignInFailed('rate_limited', retryAfterSeconds);
	}
	if (error.code === AppErrorCode.InvalidInput) return new SignInFailed('invalid_input');
	if (error.code === AppErrorCode.Unauthorized) return new SignInFailed('invalid_credentials');
	return error;
}

/**
 * OAuth sign-ins are linked to an existing account by email, so the email must be one the
 * provider vouches for; otherwise anyone able to set an address on their provider account could
 * take over the Roster account of that address. Google says so in `email_verified`. Entra ID's
 * `email` is an editable attribute: it is trusted when the issuer names one tenant (that
 * tenant's admins own the addresses) or when Entra marks the domain as verified (`xms_edov`).
 */
function isEmailVerified(
	provider: string,
	profile: Record<string, unknown> | undefined,
	config: Config
): boolean {
	if (!profile || typeof profile.email !== 'string') return false;
	if (provider === 'google') return profile.email_verified === true;
	if (provider === 'microsoft-entra-id') {
		const issuer = config.AUTH_MICROSOFT_ENTRA_ID_ISSUER ?? '';
		const isSingleTenant = !/\/(common|organizations|consumers)\//.test(issuer);
		return isSingleTenant || profile.xms_edov === true || profile.xms_edov === '1';
	}
	return false;
}

export function authConfig(app: AppContext, event: RequestEvent): SvelteKitAuthConfig {
	const { config } = app;
	const providers: SvelteKitAuthConfig['providers'] = [
		Credentials({
			credentials: { email: { label: 'Email', type: 'email' }, password: { type: 'password' } },
			async authorize(credentials) {
				try {
					const user = await verifyCredentials({
						context: app,
						email: credentials.email,
						password: credentials.password,
						ip: clientAddress(event)
					});
					return { id: user.id, name: user.name, email: user.email };
				} catch (error) {
					throw toSignInFailed(error);
				}
			}
		})
	];
	if (config.AUTH_GOOGLE_ID && config.AUTH_GOOGLE_SECRET) {
		providers.push(
			Google({ clientId: config.AUTH_GOOGLE_ID, clientSecret: config.AUTH_GOOGLE_SECRET })
		);
	}
	if (
		config.AUTH_MICROSOFT_ENTRA_ID_ID &&
		config.AUTH_MICROSOFT_ENTRA_ID_SECRET &&
		config.AUTH_MICROSOFT_ENTRA_ID_ISSUER
	) {
		providers.push(
			MicrosoftEntraID({
				clientId: config.AUTH_MICROSOFT_ENTRA_ID_ID,
				clientSecret: config.AUTH_MICROSOFT_ENTRA_ID_SECRET,
				issuer: config.AUTH_MICROSOFT_ENTRA_ID_ISSUER
			})
		);
	}

	return {
		providers,
		secret: app.authSecret,
		trustHost: config.AUTH_TRUST_HOST,
		session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE_SECONDS },
		pages: { signIn: '/signin' },
		// `__Secure-` cookies with the Secure flag exactly when the app is served over https, as
		// adapter-node decided from ORIGIN or a trusted PROTOCOL_HEADER (hooks.server.ts makes
		// Auth.js see the same forwarded headers); plain cookies on http://localhost.
		useSecureCookies: event.url.protocol === 'https:',
		logger: {
			// A wrong password is an expected outcome, not a server error worth a stack trace.
			error(error) {
				if (error instanceof CredentialsSignin) return;
				console.error('[auth]', error);
			}
		},
		callbacks: {
			signIn({ account, profile }) {
				if (!account || account.type === 'credentials') return true;
				return isEmailVerified(account.provider, profile, config);
			},
			async jwt({ token, user, account }) {
				if (account?.type === 'credentials') {
					token.userId = user.id;
				} else if (account && user?.email) {
					const row = await findOrRegisterOAuthUser({
						context: app,
						email: user.email,
						name: user.name,
						image: user.image
					});
					token.userId = row.id;
					token.name = row.name;
					token.email = row.email;
				}
				// A sign-in (credentials or OAuth) opens a server-side session the cookie names.
				if (account && typeof token.userId === 'string') {
					token.sid = await startSession({
						context: app,
						userId: token.userId,
						userAgent: event.request.headers.get('user-agent'),
						ip: clientAddress(event)
					});
				}
				// Entra's photo arrives as a data: URL; kept in the token it would swell every cookie.
				if (typeof token.picture === 'string' && !token.picture.startsWith('https://')) {
					delete token.picture;
				}
				return token;
			},
			session({ session, token }) {
				if (typeof token.userId === 'string') session.user.id = token.userId;
				if (typeof token.sid === 'string') session.sessionId = token.sid;
				return session;
			}
		}
	};
}

export const {
	handle,
	signIn: signInAction,
	signOut: signOutAction
} = SvelteKitAuth(async (event) => authConfig(context(), event));

/** The same event with a different form body, for handing to Auth.js's form actions. */
function withForm(event: RequestEvent, form: Record<string, string>): RequestEvent {
	const headers = new Headers(event.request.headers);
	headers.delete('content-type');
	headers.delete('content-length');
	const request = new Request(event.request.url, {
		method: 'POST',
		headers,
		body: new URLSearchParams(form)
	});
	return { ...event, request };
}

/**
 * Signs in with email and password and redirects to `redirectTo`; throws SignInFailed when the
 * credentials are refused. The caller has already read and validated its own form.
 */
export async function signInWithPassword(
	event: RequestEvent,
	credentials: { email: string; password: string; redirectTo: string }
): Promise<void> {
	await signInAction(withForm(event, { providerId: 'credentials', ...credentials }));
}

/** Starts an OAuth sign-in: redirects to the provider. */
export async function signInWithProvider(
	event: RequestEvent,
	provider: OAuthProvider['id'],
	redirectTo: string
): Promise<void> {
	await signInAction(withForm(event, { providerId: provider, redirectTo }));
}

/** Ends this session on the server (a copy of the cookie stops working too), then clears it. */
export async function signOut(event: RequestEvent): Promise<void> {
	const { actor } = event.locals;
	if (actor?.sessionId) {
		await endSession({ context: context(), actor, id: actor.sessionId }).catch((error) => {
			// Already ended elsewhere ("sign out everywhere"): clearing the cookie is all that is left.
			if (!isAppError(error) || error.code !== AppErrorCode.NotFound) throw error;
		});
	}
	await signOutAction(withForm(event, { redirectTo: '/signin' }));
}

/** A same-origin path to return to after signing in; anything else becomes "/". */
export function safeRedirect(target: string | null | undefined): string {
	if (!target || !target.startsWith('/') || target.startsWith('//') || target.startsWith('/\\')) {
		return '/';
	}
	return target;
}
