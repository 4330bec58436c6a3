// What every browser suite does around its own checks: people who can sign in and a space they
// share, made through the services; signing in through the form, as a person does; pages that
// report their errors; and closing whatever a suite opened.
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { signUp } from '$lib/server/auth/users';
import type { AppContext } from '$lib/server/context';
import type { Role } from '$lib/domain/roles';
import { createSpace } from '$lib/server/services/spaces';
import { addMember, stopTestApp, type TestUser } from './app';
import type { AppServer } from './server';

export interface Credentials {
	email: string;
	password: string;
}

/** Where a sign-in should end: a URL, a pattern or a test, as `page.waitForURL` takes them. */
export type Landing = string | RegExp | ((url: URL) => boolean);

const leftSignIn = (url: URL) => !url.pathname.startsWith('/signin');

/** Landed on a page of a space: where someone with a space goes after signing in. */
export const inSpace: Landing = (url) => url.pathname.startsWith('/s/');

/** Fills the sign-in form the page shows and submits it; where that leads is the caller's to check. */
export async function submitSignIn(page: Page, credentials: Credentials): Promise<void> {
	await page.getByLabel('Email').fill(credentials.email);
	await page.getByLabel('Password').fill(credentials.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
}

/**
 * Signs in through the sign-in page and waits to land: by default anywhere but the sign-in page,
 * or at `landing`. `timeout` is for machines busy enough to need more than Playwright's default.
 */
export async function signIn(
	page: Page,
	server: AppServer,
	credentials: Credentials,
	options: { landing?: Landing; timeout?: number } = {}
): Promise<void> {
	await page.goto(`${server.url}/signin`);
	await submitSignIn(page, credentials);
	await page.waitForURL(
		options.landing ?? leftSignIn,
		options.timeout === undefined ? undefined : { timeout: options.timeout }
	);
}

/** A signed-in session's cookies, for the next browser context of the same person. */
export type SessionState = Awaited<ReturnType<BrowserContext['storageState']>>;

/**
 * A page in a browser context of its own (its own cookies), `width` × `height` (1280 × 800
 * unless told), signed in. `contexts` collects the context for the suite to close; `watch` sees
 * the page before it loads anything (to collect its errors). With `sessions`, a person signs in
 * through the form once and later contexts start with that session's cookies.
 */
export async function openSignedIn(
	browser: Browser,
	server: AppServer,
	credentials: Credentials,
	options: Omit<BrowserContextOptions, 'viewport'> & {
		width?: number;
		height?: number;
		contexts?: BrowserContext[];
		watch?: (page: Page) => void;
		sessions?: Map<string, SessionState>;
		landing?: Landing;
		timeout?: number;
	} = {}
): Promise<{ browserContext: BrowserContext; page: Page }> {
	const { width, height, contexts, watch, sessions, landing, timeout, ...contextOptions } = options;
	const remembered = sessions?.get(credentials.email);
	const browserContext = await browser.newContext({
		viewport: { width: width ?? 1280, height: height ?? 800 },
		colorScheme: 'light',
		...contextOptions,
		...(remembered ? { storageState: remembered } : {})
	});
	contexts?.push(browserContext);
	const page = await browserContext.newPage();
	watch?.(page);
	if (!remembered) {
		await signIn(page, server, credentials, { landing, timeout });
		sessions?.set(credentials.email, await browserContext.storageState());
	}
	return { browserContext, page };
}

/**
 * Collects a page's uncaught exceptions into `problems` and, unless `uncaughtOnly`, what it logs
 * as a console error; each prefixed with `who` when given.
 */
export function collectErrors(
	page: Page,
	problems: string[],
	options: { who?: string; uncaughtOnly?: boolean } = {}
): void {
	const note = (text: string) => problems.push(options.who ? `${options.who}: ${text}` : text);
	if (!options.uncaughtOnly) {
		page.on('console', (message) => {
			if (message.type() === 'error') note(message.text());
		});
	}
	page.on('pageerror', (error) => note(error.message));
}

/** Signs a person up with a password, as the sign-up page does, so that they can sign in. */
export async function signUpPerson(
	context: AppContext,
	person: { name: string; email: string; password: string }
): Promise<TestUser> {
	const user = await signUp({ context, input: person });
	if (!user) throw new Error(`${person.email} already has an account`);
	return { id: user.id, email: person.email, actor: { userId: user.id, via: 'web' } };
}

/** Signs up everyone in `people` with one password; the answer has each one under their key. */
export async function signUpPeople<Key extends string>(
	context: AppContext,
	people: Record<Key, { name: string; email: string }>,
	password: string
): Promise<Record<Key, TestUser>> {
	const users: Partial<Record<Key, TestUser>> = {};
	for (const [key, person] of Object.entries(people) as [Key, { name: string; email: string }][])
		users[key] = await signUpPerson(context, { ...person, password });
	return users as Record<Key, TestUser>;
}

/**
 * A space created by `owner` through the service, with each of `members` added at their role
 * the way the app does (invited, then accepted).
 */
export async function createSpaceWithMembers(
	context: AppContext,
	owner: TestUser,
	input: { name: string; slug: string },
	members: [TestUser, Role][] = []
): Promise<{ id: string; slug: string }> {
	const space = await createSpace({ context, actor: owner.actor, input });
	for (const [member, role] of members) await addMember(context, owner, space.id, member, role);
	return space;
}

/** Closes what a suite opened, whichever of it got started, and the test app last. */
export async function stopSuite(opened: {
	contexts?: BrowserContext[];
	browser?: Browser;
	server?: AppServer;
}): Promise<void> {
	for (const each of opened.contexts ?? []) await each.close().catch(() => undefined);
	await opened.browser?.close();
	await opened.server?.stop();
	await stopTestApp();
}
