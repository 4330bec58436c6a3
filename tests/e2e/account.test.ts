// The account page in a real browser: reached from the user menu, it lists where you are signed
// in, changes the password with errors next to the field (signing the other browser out), ends
// another device's session, and signs out everywhere. Screenshots at 1440 and 375 px, light and
// dark, go to test-results/, each screen also checked by axe.
import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '$lib/server/context';
import { createSpace } from '$lib/server/services/spaces';
import { bootTestApp } from '../support/app';
import { audit } from '../support/axe';
import { launchBrowser } from '../support/browser';
import { collectErrors, inSpace, openSignedIn, signUpPerson, stopSuite } from '../support/e2e';
import { startAppServer, type AppServer } from '../support/server';

let context: AppContext;
let server: AppServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

const run = Date.now().toString(36);
const firstPassword = 'account-e2e-password';

beforeAll(async () => {
	context = await bootTestApp();
	server = await startAppServer();
	browser = await launchBrowser();
	mkdirSync('test-results', { recursive: true });
}, 120_000);

afterAll(() => stopSuite({ contexts, browser, server }));

async function newPerson(name: string) {
	const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${run}.${Math.random().toString(36).slice(2, 7)}@example.test`;
	const user = await signUpPerson(context, { name, email, password: firstPassword });
	await createSpace({
		context,
		actor: user.actor,
		input: { name: `${name}'s Fair`, slug: `fair-${run}-${user.id.slice(0, 6)}` }
	});
	return { name, email, password: firstPassword };
}

/** A browser of its own (its own cookies), signed in; console errors are collected. */
async function signedIn(
	person: { email: string; password: string },
	options: {
		width?: number;
		height?: number;
		colorScheme?: 'light' | 'dark';
		userAgent?: string;
	} = {}
): Promise<{ page: Page; problems: string[] }> {
	const problems: string[] = [];
	const { page } = await openSignedIn(browser, server, person, {
		...options,
		height: options.height ?? 900,
		contexts,
		watch: (page) => collectErrors(page, problems),
		landing: inSpace
	});
	return { page, problems };
}

const PHONE_AGENT =
	'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';

describe('the account page', () => {
	it('is reached from the user menu and lists this device and the others', async () => {
		const person = await newPerson('Ada Account');
		await signedIn(person, { userAgent: PHONE_AGENT });
		const { page, problems } = await signedIn(person);
		await page.getByRole('button', { name: `Account menu for ${person.name}` }).click();
		await page.getByRole('menuitem', { name: 'Account and sessions' }).waitFor();
		await page.screenshot({ path: 'test-results/account-user-menu.png' });
		await page.getByRole('menuitem', { name: 'Account and sessions' }).click();
		await page.waitForURL((url) => url.pathname === '/account');
		await expect
			.poll(() => page.getByRole('heading', { level: 1 }).textContent())
			.toBe(person.name);
		const sessions = page.getByRole('listitem');
		await expect.poll(() => sessions.count(), { timeout: 10_000 }).toBe(2);
		const phone = page.getByRole('listitem', { name: 'Safari on iPhone' });
		expect(await phone.getByText('This device').count()).toBe(0);
		const here = page.getByRole('listitem').filter({ hasText: 'This device' });
		expect(await here.count()).toBe(1);
		expect(problems).toEqual([]);
	});

	it('names the wrong field, then changes the password and signs the other browser out', async () => {
		const person = await newPerson('Bea Password');
		const other = await signedIn(person, { userAgent: PHONE_AGENT });
		const { page, problems } = await signedIn(person);
		await page.goto(`${server.url}/account`);

		await page.getByLabel('Current password').fill('not-the-password');
		await page.getByLabel('New password').fill('brand-new-password');
		await page.getByRole('button', { name: 'Change password' }).click();
		await page.getByText('Current password is not your current password.').waitFor();
		expect(await page.getByLabel('Current password').getAttribute('aria-invalid')).toBe('true');

		await page.getByLabel('Current password').fill(person.password);
		await page.getByLabel('New password').fill('brand-new-password');
		await page.getByRole('button', { name: 'Change password' }).click();
		await page.getByRole('status').filter({ hasText: 'Password changed' }).waitFor();
		// This browser stays; the other one is sent to sign in on its next step.
		await expect.poll(() => page.getByRole('listitem').count(), { timeout: 10_000 }).toBe(1);
		await other.page.reload();
		expect(new URL(other.page.url()).pathname).toBe('/signin');
		expect(problems).toEqual([]);
	});

	it('signs out one other device, then everywhere', async () => {
		const person = await newPerson('Cy Sessions');
		const phone = await signedIn(person, { userAgent: PHONE_AGENT });
		const { page } = await signedIn(person);
		await page.goto(`${server.url}/account`);
		await page.getByRole('button', { name: 'Sign out Safari on iPhone' }).click();
		await expect.poll(() => page.getByRole('listitem').count(), { timeout: 10_000 }).toBe(1);
		await phone.page.reload();
		expect(new URL(phone.page.url()).pathname).toBe('/signin');

		const again = await signedIn(person, { userAgent: PHONE_AGENT });
		await page.reload();
		await page.getByRole('button', { name: 'Sign out everywhere' }).click();
		await page.getByRole('dialog').getByRole('button', { name: 'Sign out everywhere' }).click();
		await page.waitForURL((url) => url.pathname === '/signin');
		await again.page.reload();
		expect(new URL(again.page.url()).pathname).toBe('/signin');
	});
});

describe('screenshots', () => {
	const shots = [
		{ name: 'desktop-light', width: 1440, height: 900, colorScheme: 'light' as const },
		{ name: 'desktop-dark', width: 1440, height: 900, colorScheme: 'dark' as const },
		{ name: 'phone-light', width: 375, height: 812, colorScheme: 'light' as const },
		{ name: 'phone-dark', width: 375, height: 812, colorScheme: 'dark' as const }
	];
	for (const shot of shots) {
		it(`records the page: ${shot.name}`, async () => {
			const person = await newPerson('Dee Screens');
			await signedIn(person, { userAgent: PHONE_AGENT });
			const { page, problems } = await signedIn(person, shot);
			await page.goto(`${server.url}/account`);
			await page.getByLabel('Current password').fill('wrong-password');
			await page.getByLabel('New password').fill('short');
			// The browser's own minlength check would stop the post; the server names the field too.
			await page.getByLabel('New password').evaluate((input) => input.removeAttribute('minlength'));
			await page.getByRole('button', { name: 'Change password' }).click();
			await page.getByText('New password must be at least 8 characters.').waitFor();
			expect(await page.getByLabel('New password').getAttribute('aria-invalid')).toBe('true');
			await page.screenshot({ path: `test-results/account-${shot.name}.png`, fullPage: true });
			// WCAG A and AA, with the field error showing, in this colour scheme and width.
			// Audited at rest: the pointer would otherwise still hover the button just clicked.
			await page.mouse.move(0, 0);
			expect(await audit(page)).toEqual([]);
			await page.getByRole('button', { name: 'Sign out everywhere' }).click();
			await page.getByRole('dialog').waitFor();
			await page.screenshot({ path: `test-results/account-${shot.name}-dialog.png` });
			expect(problems.filter((problem) => !problem.includes('400'))).toEqual([]);
		});
	}
});
