// A new user's first minutes in a real browser: sign-in failure and success, the space's
// home page, a token made in the UI, and that token reading and writing records over the API.
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '$lib/server/context';
import { withActor } from '$lib/server/db';
import { addAttribute } from '$lib/server/services/attributes';
import { inviteMember } from '$lib/server/services/members';
import { createEntityType } from '$lib/server/services/entity-types';
import { bootTestApp } from '../support/app';
import { launchBrowser } from '../support/browser';
import { signIn, signUpPerson, stopSuite, submitSignIn } from '../support/e2e';
import { startAppServer, type AppServer } from '../support/server';

let context: AppContext;
let server: AppServer;
let browser: Browser;
const email = `e2e.${Date.now()}@example.test`;
const password = 'correct horse battery';
let spaceSlug: string;
let ownerId: string;
const consoleErrors: string[] = [];

beforeAll(async () => {
	context = await bootTestApp();
	const { id, actor } = await signUpPerson(context, { name: 'Erin End-to-End', email, password });
	ownerId = id;
	spaceSlug = `e2e-${Date.now()}`;
	await withActor(context.db.runtime, actor, (tx) =>
		tx.query('select app_create_space($1, $2)', [spaceSlug, 'E2E Festival'])
	);
	await createEntityType({ context, actor, space: spaceSlug, input: { name: 'Guests' } });
	await addAttribute({
		context,
		actor,
		space: spaceSlug,
		type: 'guests',
		input: { name: 'Name', kind: 'text' }
	});
	server = await startAppServer();
	browser = await launchBrowser();
	mkdirSync('test-results', { recursive: true });
}, 120_000);

afterAll(() => stopSuite({ browser, server }));

async function newPage(): Promise<Page> {
	const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
	page.on('console', (message) => {
		if (message.type() === 'error') consoleErrors.push(message.text());
	});
	return page;
}

describe('signing in', () => {
	it('says clearly when the password is wrong, then signs in', async () => {
		const page = await newPage();
		await page.goto(`${server.url}/`);
		expect(new URL(page.url()).pathname).toBe('/signin');
		await page.getByLabel('Email').fill(email);
		await page.getByLabel('Password').fill('not the password');
		await page.getByRole('button', { name: 'Sign in' }).click();
		await expect.poll(() => page.getByRole('alert').textContent()).toContain('do not match');
		await page.screenshot({ path: 'test-results/signin-error.png' });

		await page.getByLabel('Password').fill(password);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.getByRole('heading', { name: 'E2E Festival' }).waitFor();
		await page.screenshot({ path: 'test-results/workspace.png', fullPage: true });
		expect(consoleErrors).toEqual([]);
		await page.close();
	});
});

describe('API tokens from the UI', () => {
	it('creates a token with the chosen role that reads and writes over the REST API', async () => {
		const page = await newPage();
		await signIn(page, server, { email, password });
		await page.getByRole('heading', { name: 'E2E Festival' }).waitFor();

		await page
			.getByRole('navigation', { name: 'Space' })
			.getByRole('link', { name: 'API tokens' })
			.click();
		await page.getByLabel('Token name').fill('Importer');
		await page.getByRole('combobox', { name: 'Role' }).click();
		await page.getByRole('option', { name: 'Editor', exact: true }).click();
		await page.getByRole('button', { name: 'Create token' }).click();
		const secret = (await page.getByRole('status').locator('code').textContent())!.trim();
		expect(secret).toMatch(/^rst_/);
		await expect
			.poll(() => page.getByRole('row', { name: 'Importer' }).textContent())
			.toContain('Editor');

		const headers = {
			authorization: `Bearer ${secret}`,
			'content-type': 'application/json',
			prefer: 'return=representation'
		};
		const created = await fetch(`${server.url}/api/spaces/${spaceSlug}/rest/guests`, {
			method: 'POST',
			headers,
			body: JSON.stringify({ name: 'Grace Hopper' })
		});
		expect(created.status).toBe(201);
		const listed = await fetch(`${server.url}/api/spaces/${spaceSlug}/rest/guests?select=name`, {
			headers
		});
		expect(await listed.json()).toEqual([{ name: 'Grace Hopper' }]);

		await page.goto(`${server.url}/s/${spaceSlug}`);
		await expect.poll(() => page.getByRole('row', { name: /Guests/ }).textContent()).toContain('1');
		expect(consoleErrors).toEqual([]);
		await page.close();
	});
});

describe('invitations', () => {
	it('lets a newcomer sign up from an invitation link and join with the invited role', async () => {
		const newcomer = `invitee.${Date.now()}@example.test`;
		const { invitePath } = await inviteMember({
			context,
			actor: { userId: ownerId, via: 'web' },
			space: spaceSlug,
			input: { email: newcomer, role: 'viewer' }
		});
		const page = await newPage();
		await page.goto(`${server.url}${invitePath}`);
		// Signed out: the guard sends the visitor to sign in, and back to the link afterwards.
		expect(new URL(page.url()).pathname).toBe('/signin');
		await page.getByRole('link', { name: 'Create an account' }).click();
		await page.getByLabel('Name').fill('Ivy Invitee');
		await page.getByLabel('Email').fill(newcomer);
		await page.getByLabel('Password').fill('invited-and-happy');
		await page.getByRole('button', { name: 'Create account' }).click();
		// Sign-up ends at "check your inbox"; signing in then leads back to the invitation.
		await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();
		await page.getByRole('link', { name: 'Sign in' }).click();
		await submitSignIn(page, { email: newcomer, password: 'invited-and-happy' });
		await page.getByRole('button', { name: 'Join the space' }).waitFor();
		await page.screenshot({ path: 'test-results/invitation.png' });
		await page.getByRole('button', { name: 'Join the space' }).click();
		await page.getByRole('heading', { name: 'E2E Festival' }).waitFor();
		await expect.poll(() => page.getByText('Your role here:').textContent()).toContain('Viewer');
		expect(consoleErrors).toEqual([]);
		await page.close();
	});
});
