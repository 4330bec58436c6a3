// The app frame in a real browser: landing in a space, the sidebar of sheets, switching spaces,
// managing members and API tokens as an owner, the phone slide-over, and what a viewer is not
// offered. Fixtures go through the services; every check is what a user sees.
import { mkdirSync } from 'node:fs';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '$lib/server/auth/actor';
import { listApiTokens } from '$lib/server/auth/api-tokens';
import type { AppContext } from '$lib/server/context';
import { addAttribute } from '$lib/server/services/attributes';
import { createEntityType } from '$lib/server/services/entity-types';
import { listMembers } from '$lib/server/services/members';
import { createSpace } from '$lib/server/services/spaces';
import { bootTestApp, type TestUser } from '../support/app';
import { launchBrowser } from '../support/browser';
import {
	collectErrors,
	createSpaceWithMembers,
	inSpace,
	signIn,
	signUpPeople,
	stopSuite,
	submitSignIn
} from '../support/e2e';
import { startAppServer, type AppServer } from '../support/server';

let context: AppContext;
let server: AppServer;
let browser: Browser;

const run = Date.now().toString(36);
const password = 'shell-e2e-password';
const people = {
	owner: { name: 'Olive Owner', email: `olive.${run}@example.test` },
	viewer: { name: 'Vic Viewer', email: `vic.${run}@example.test` },
	editor: { name: 'Mia Member', email: `mia.${run}@example.test` },
	leaver: { name: 'Lou Leaving', email: `lou.${run}@example.test` }
};
let users: Record<keyof typeof people, TestUser>;
let ownerActor: Actor;
// Named so the owner's first space (by name) is the one the tests work in.
let mainSlug: string;
let otherSlug: string;

beforeAll(async () => {
	context = await bootTestApp();
	users = await signUpPeople(context, people, password);
	ownerActor = users.owner.actor;
	const main = await createSpaceWithMembers(
		context,
		users.owner,
		{ name: 'Aurora Festival', slug: `aurora-${run}` },
		[
			[users.viewer, 'viewer'],
			[users.editor, 'editor'],
			[users.leaver, 'editor']
		]
	);
	const other = await createSpace({
		context,
		actor: ownerActor,
		input: { name: 'Zephyr Stage', slug: `zephyr-${run}` }
	});
	mainSlug = main.slug;
	otherSlug = other.slug;
	const space = { context, actor: ownerActor, space: mainSlug };
	await createEntityType({ ...space, input: { name: 'Guests' } });
	await addAttribute({ ...space, type: 'guests', input: { name: 'Name', kind: 'text' } });
	await createEntityType({ ...space, input: { name: 'Tasks' } });
	await addAttribute({
		...space,
		type: 'tasks',
		input: {
			name: 'Status',
			kind: 'single_select',
			options: { choices: [{ name: 'To do' }, { name: 'Done' }] }
		}
	});
	server = await startAppServer();
	browser = await launchBrowser();
	mkdirSync('test-results', { recursive: true });
}, 120_000);

afterAll(() => stopSuite({ browser, server }));

/** A signed-in page; console errors and uncaught exceptions are collected for the caller. */
async function signedIn(
	who: keyof typeof people,
	viewport = { width: 1280, height: 800 }
): Promise<{ page: Page; problems: string[] }> {
	const page = await browser.newPage({ viewport });
	const problems: string[] = [];
	collectErrors(page, problems);
	await signIn(page, server, { email: people[who].email, password }, { landing: inSpace });
	return { page, problems };
}

/** Picks an item of a Bits UI select by the select's label. */
async function choose(page: Page, scope: Page | Locator, label: string, option: string) {
	await scope.getByRole('combobox', { name: label, exact: true }).click();
	await page.getByRole('option', { name: option, exact: true }).click();
}

const sidebar = (page: Page) => page.getByRole('navigation', { name: 'Space' });

describe('the frame', () => {
	it('lands the owner in a space, lists its sheets in the sidebar and switches spaces', async () => {
		const { page, problems } = await signedIn('owner');
		expect(new URL(page.url()).pathname).toBe(`/s/${mainSlug}`);
		await page.getByRole('heading', { name: 'Aurora Festival', level: 1 }).waitFor();

		const nav = sidebar(page);
		await expect
			.poll(() => nav.getByRole('link', { name: 'Guests' }).getAttribute('href'))
			.toBe(`/s/${mainSlug}/t/guests`);
		expect(await nav.getByRole('link', { name: 'Tasks' }).getAttribute('href')).toBe(
			`/s/${mainSlug}/t/tasks`
		);
		// Only Tasks has a single-select field, so only Tasks has a board.
		const boards = nav.getByRole('link', { name: 'Board' });
		expect(await boards.count()).toBe(1);
		expect(await boards.getAttribute('href')).toBe(`/s/${mainSlug}/t/tasks/board`);
		expect(await nav.getByRole('link', { name: 'Fields' }).count()).toBe(2);
		for (const [name, href] of [
			['Members', `/s/${mainSlug}/members`],
			['API tokens', `/s/${mainSlug}/tokens`],
			['Check-in', `/checkin/${mainSlug}`]
		]) {
			expect(await nav.getByRole('link', { name }).getAttribute('href')).toBe(href);
		}
		// The home page lists each sheet with its counts.
		const guestsRow = page.getByRole('main').getByRole('row', { name: /Guests/ });
		expect(await guestsRow.textContent()).toMatch(/Guests\s*0\s*1/);
		await page.screenshot({ path: 'test-results/shell-home.png' });

		await page.getByRole('button', { name: /Switch space/ }).click();
		await page.getByRole('menuitem', { name: /Zephyr Stage/ }).click();
		await page.getByRole('heading', { name: 'Zephyr Stage', level: 1 }).waitFor();
		expect(new URL(page.url()).pathname).toBe(`/s/${otherSlug}`);
		await expect.poll(() => sidebar(page).getByRole('link', { name: 'Guests' }).count()).toBe(0);

		// `/` returns to the space used last.
		await page.goto(`${server.url}/`);
		await page.getByRole('heading', { name: 'Zephyr Stage', level: 1 }).waitFor();

		// The sidebar folds away, and stays folded on the next visit.
		await page.getByRole('button', { name: 'Hide sidebar' }).click();
		await expect.poll(() => sidebar(page).isVisible()).toBe(false);
		await page.reload();
		await page.getByRole('button', { name: 'Show sidebar' }).click();
		await expect.poll(() => sidebar(page).isVisible()).toBe(true);
		expect(problems).toEqual([]);
		await page.close();
	});
});

describe('members', () => {
	it('invites by email with a link to pass on, changes a role and removes a member', async () => {
		const { page, problems } = await signedIn('owner');
		await page.goto(`${server.url}/s/${mainSlug}/members`);
		await page.getByRole('heading', { name: 'Members', level: 1 }).waitFor();

		// A refused invitation names its reason next to the field.
		await page.getByLabel('Email').fill(people.editor.email);
		await page.getByRole('button', { name: 'Invite' }).click();
		await expect
			.poll(() => page.getByText(`${people.editor.email} is already a member`).count())
			.toBe(1);
		expect(await page.getByLabel('Email').getAttribute('aria-invalid')).toBe('true');

		const invitee = `newcomer.${run}@example.test`;
		await page.getByLabel('Email').fill(invitee);
		await choose(page, page, 'Role', 'Viewer');
		await page.getByRole('button', { name: 'Invite' }).click();
		const status = page.getByRole('status').filter({ hasText: 'Invitation sent to' });
		await status.waitFor();
		expect(await status.textContent()).toContain(`${invitee} as Viewer`);
		const link = await page.getByLabel('Invitation link').inputValue();
		expect(link).toMatch(new RegExp(`^${server.url}/invite/[\\w-]{20,}$`));
		await page.getByRole('heading', { name: 'Open invitations' }).waitFor();
		await page.screenshot({ path: 'test-results/shell-members.png', fullPage: true });

		// Change Mia's role from editor to viewer.
		const miaRow = page.getByRole('row', { name: people.editor.name });
		await choose(page, miaRow, `Role of ${people.editor.name}`, 'Viewer');
		await expect
			.poll(async () => {
				const { members } = await listMembers({ context, actor: ownerActor, space: mainSlug });
				return members.find((member) => member.userId === users.editor.id)?.role;
			})
			.toBe('viewer');
		await expect
			.poll(() =>
				miaRow.getByRole('combobox', { name: `Role of ${people.editor.name}` }).textContent()
			)
			.toContain('Viewer');

		// The last owner cannot step down: the reason shows next to the select, which resets.
		const oliveRow = page.getByRole('row', { name: people.owner.name });
		await choose(page, oliveRow, `Role of ${people.owner.name}`, 'Editor');
		await expect.poll(() => oliveRow.textContent()).toContain('A space needs an owner');
		expect(
			await oliveRow.getByRole('combobox', { name: `Role of ${people.owner.name}` }).textContent()
		).toContain('Owner');

		// Remove Lou, after confirming.
		await page.getByRole('button', { name: `Remove ${people.leaver.name}` }).click();
		const dialog = page.getByRole('dialog', { name: `Remove ${people.leaver.name}?` });
		await dialog.waitFor();
		await dialog.getByRole('button', { name: 'Remove' }).click();
		await dialog.waitFor({ state: 'hidden' });
		await expect.poll(() => page.getByRole('row', { name: people.leaver.name }).count()).toBe(0);
		const { members } = await listMembers({ context, actor: ownerActor, space: mainSlug });
		expect(members.map((member) => member.userId)).not.toContain(users.leaver.id);

		// Withdraw the newcomer's invitation (its link stops working: tests/integration/auth).
		await page.getByRole('button', { name: `Withdraw the invitation for ${invitee}` }).click();
		await page
			.getByRole('status')
			.filter({ hasText: `${invitee} was withdrawn` })
			.waitFor();
		await expect
			.poll(() => page.getByRole('heading', { name: 'Open invitations' }).count())
			.toBe(0);
		expect(problems).toEqual([]);
		await page.close();
	});
});

describe('API tokens', () => {
	it('creates a token shown once, which works, then revokes it', async () => {
		const { page, problems } = await signedIn('owner');
		await page.goto(`${server.url}/s/${mainSlug}/tokens`);
		await page.getByRole('heading', { name: 'API tokens', level: 1 }).waitFor();

		await page.getByLabel('Token name').fill('Ticket sync');
		await choose(page, page, 'Role', 'Editor');
		await page.getByRole('button', { name: 'Create token' }).click();
		const secret = (await page.getByRole('status').locator('code').textContent())!.trim();
		expect(secret).toMatch(/^rst_/);
		const row = page.getByRole('row', { name: 'Ticket sync' });
		await row.waitFor();
		expect(await row.textContent()).toContain('Editor');
		await page.screenshot({ path: 'test-results/shell-tokens.png', fullPage: true });

		const headers = { authorization: `Bearer ${secret}` };
		const before = await fetch(`${server.url}/api/spaces/${mainSlug}/rest/guests`, { headers });
		expect(before.status).toBe(200);

		await page.getByRole('button', { name: 'Revoke Ticket sync' }).click();
		const dialog = page.getByRole('dialog', { name: /Revoke “Ticket sync”/ });
		await dialog.getByRole('button', { name: 'Revoke' }).click();
		await dialog.waitFor({ state: 'hidden' });
		await expect.poll(() => row.count()).toBe(0);
		expect(await listApiTokens({ context, actor: ownerActor, space: mainSlug })).toEqual([]);
		const after = await fetch(`${server.url}/api/spaces/${mainSlug}/rest/guests`, { headers });
		expect(after.status).toBe(401);
		expect(problems).toEqual([]);
		await page.close();
	});

	it('makes a token with the scopes ticked, within what its role allows', async () => {
		const { page, problems } = await signedIn('owner');
		await page.goto(`${server.url}/s/${mainSlug}/tokens`);
		await page.getByRole('heading', { name: 'API tokens', level: 1 }).waitFor();
		const scopes = page.getByRole('group', { name: 'Scopes' });
		const box = (name: string) => scopes.getByRole('checkbox', { name: new RegExp(`^${name}`) });

		// A viewer token (the default) only reads; read cannot be unticked.
		expect(await box('Read').isChecked()).toBe(true);
		expect(await box('Read').isDisabled()).toBe(true);
		expect(await box('Write records').isDisabled()).toBe(true);

		await choose(page, page, 'Role', 'Owner');
		// Managing members is never given unasked.
		expect(await box('Write records').isChecked()).toBe(true);
		expect(await box('Change structure').isChecked()).toBe(true);
		expect(await box('Manage members').isChecked()).toBe(false);
		await choose(page, page, 'Role', 'Editor');
		expect(await box('Manage members').isDisabled()).toBe(true);
		await box('Change structure').uncheck();

		await page.getByLabel('Token name').fill('Record sync');
		await page.getByRole('button', { name: 'Create token' }).click();
		const secret = (await page.getByRole('status').locator('code').textContent())!.trim();
		const row = page.getByRole('row', { name: 'Record sync' });
		await row.waitFor();
		const shown = await row.getByRole('list', { name: 'Scopes of Record sync' }).textContent();
		expect(shown).toContain('Write records');
		expect(shown).not.toContain('Change structure');

		const headers = { authorization: `Bearer ${secret}`, 'content-type': 'application/json' };
		const api = `${server.url}/api/spaces/${mainSlug}`;
		const written = await fetch(`${api}/rest/guests`, {
			method: 'POST',
			headers,
			body: JSON.stringify({ name: 'Scoped guest' })
		});
		expect(written.status).toBe(201);
		const field = await fetch(`${api}/types/guests/fields`, {
			method: 'POST',
			headers,
			body: JSON.stringify({ name: 'Sneaky', kind: 'text' })
		});
		expect(field.status).toBe(403);
		expect((await field.json()).message).toContain('"schema" scope');

		for (const colorScheme of ['light', 'dark'] as const) {
			for (const width of [1440, 375]) {
				await page.emulateMedia({ colorScheme });
				await page.setViewportSize({ width, height: 900 });
				await page.screenshot({
					path: `test-results/tokens-scopes-${width}-${colorScheme}.png`,
					fullPage: true
				});
				// The shell scrolls inside: bring the list of tokens into view for a second look.
				await page.getByRole('heading', { name: 'Your tokens' }).scrollIntoViewIfNeeded();
				await page.screenshot({ path: `test-results/tokens-list-${width}-${colorScheme}.png` });
			}
		}
		expect(problems).toEqual([]);
		await page.close();
	});
});

describe('on a phone', () => {
	it('opens the sidebar as a slide-over from the menu button', async () => {
		const { page, problems } = await signedIn('owner', { width: 375, height: 812 });
		await page.goto(`${server.url}/s/${mainSlug}`);
		await page.getByRole('heading', { name: 'Aurora Festival', level: 1 }).waitFor();
		// The inline sidebar and its fold button are not shown at this width.
		expect(await sidebar(page).isVisible()).toBe(false);
		expect(await page.getByRole('button', { name: 'Hide sidebar' }).isVisible()).toBe(false);

		await page.getByRole('button', { name: 'Open navigation' }).click();
		const slideOver = page.getByRole('dialog', { name: 'Aurora Festival' });
		await slideOver.waitFor();
		await slideOver.getByRole('link', { name: 'Tasks' }).waitFor();
		// Let the slide-in finish so the screenshot shows where it rests.
		await page.waitForFunction(() =>
			document.getAnimations().every((a) => a.playState !== 'running')
		);
		await page.screenshot({ path: 'test-results/shell-mobile.png' });

		await slideOver.getByRole('link', { name: 'Members' }).click();
		await page.getByRole('heading', { name: 'Members', level: 1 }).waitFor();
		await slideOver.waitFor({ state: 'hidden' });
		// Nothing spills sideways on a 375 px screen.
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
			375
		);
		expect(problems).toEqual([]);
		await page.close();
	});
});

describe('sheets', () => {
	it('creates a sheet from the sidebar, fills it in, renames it and deletes it once its name is typed', async () => {
		const { page, problems } = await signedIn('owner');
		await page.goto(`${server.url}/s/${mainSlug}`);
		await sidebar(page).getByRole('button', { name: 'New sheet' }).click();
		const create = page.getByRole('dialog', { name: 'New sheet' });
		const createButton = create.getByRole('button', { name: 'Create sheet' });
		await createButton.click();
		await create.getByText('Give the sheet a name').waitFor();
		// A name whose key is taken is refused next to the field.
		await create.getByLabel('Sheet name').fill('Guests');
		await createButton.click();
		await create.getByText(/already exists/).waitFor();
		await create.getByLabel('Sheet name').fill('Vendors');
		await createButton.click();
		await page.waitForURL((url) => url.pathname === `/s/${mainSlug}/t/vendors`);
		await sidebar(page).getByRole('link', { name: 'Vendors' }).waitFor();
		await page.getByRole('columnheader', { name: /Name/ }).waitFor();

		// Ready to type in: add a record (offered in the header and the empty state) and type.
		await page.getByRole('button', { name: 'Add record' }).first().click();
		const first = page.locator(
			'[role="row"][aria-rowindex="2"] [role="gridcell"][aria-colindex="2"]'
		);
		await first.click();
		await page.keyboard.type('Stage Lights Ltd');
		await page.keyboard.press('Enter');
		await expect
			.poll(async () => {
				const response = await page.request.get(
					`${server.url}/api/spaces/${mainSlug}/rest/vendors?select=name`
				);
				return response.json();
			})
			.toEqual([{ name: 'Stage Lights Ltd' }]);

		await sidebar(page).getByRole('link', { name: 'Fields' }).last().click();
		await page.getByRole('heading', { name: 'Fields of Vendors' }).waitFor();
		await page.getByRole('button', { name: 'Rename sheet' }).click();
		const rename = page.getByRole('dialog', { name: 'Rename Vendors' });
		await rename.getByLabel('Sheet name').fill('Suppliers');
		await rename.getByRole('button', { name: 'Rename' }).click();
		await sidebar(page).getByRole('link', { name: 'Suppliers' }).waitFor();
		await page.getByRole('heading', { name: 'Fields of Suppliers' }).waitFor();
		await page.screenshot({ path: 'test-results/sheet-fields.png' });

		await page.getByRole('button', { name: 'Delete sheet' }).click();
		const remove = page.getByRole('dialog', { name: 'Delete Suppliers?' });
		const deleteButton = remove.getByRole('button', { name: 'Delete sheet' });
		expect(await deleteButton.isDisabled()).toBe(true);
		await remove.getByLabel('Type Suppliers to confirm').fill('Suppliers');
		await page.screenshot({ path: 'test-results/sheet-delete.png' });
		await deleteButton.click();
		await page.waitForURL((url) => url.pathname === `/s/${mainSlug}`);
		await expect.poll(() => sidebar(page).getByRole('link', { name: 'Suppliers' }).count()).toBe(0);
		// The browser logs the refused duplicate (409) as a failed load; nothing else may appear.
		expect(problems.filter((problem) => !problem.includes('409 (Conflict)'))).toEqual([]);
		await page.close();
	});
});

describe('a viewer', () => {
	it('is offered no owner-only or editor-only controls', async () => {
		const { page, problems } = await signedIn('viewer');
		await page.goto(`${server.url}/s/${mainSlug}`);
		await page.getByRole('heading', { name: 'Aurora Festival', level: 1 }).waitFor();
		expect(await page.getByText('Your role here:').textContent()).toContain('Viewer');
		await sidebar(page).getByRole('link', { name: 'Guests' }).waitFor();
		expect(await sidebar(page).getByRole('link', { name: 'Fields' }).count()).toBe(0);
		expect(await sidebar(page).getByRole('button', { name: 'New sheet' }).count()).toBe(0);
		expect(await page.getByRole('link', { name: /fields$/ }).count()).toBe(0);

		await page.goto(`${server.url}/s/${mainSlug}/members`);
		await page.getByRole('row', { name: people.owner.name }).waitFor();
		expect(await page.getByRole('heading', { name: 'Invite someone' }).count()).toBe(0);
		expect(await page.getByRole('button', { name: /^Remove / }).count()).toBe(0);
		expect(await page.getByRole('combobox').count()).toBe(0);

		// Tokens: never more than the viewer's own role.
		await page.goto(`${server.url}/s/${mainSlug}/tokens`);
		await page.getByRole('combobox', { name: 'Role' }).click();
		const offered = await page.getByRole('option').allTextContents();
		expect(offered.map((text) => text.trim())).toEqual(['Viewer', 'Check-in']);
		await page.keyboard.press('Escape');
		expect(problems).toEqual([]);
		await page.close();
	});
});

describe('a newcomer without a space', () => {
	it('signs up, sees the empty state and creates a space, with errors next to the field', async () => {
		const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
		const problems: string[] = [];
		page.on('console', (message) => {
			if (message.type() === 'error') problems.push(message.text());
		});
		await page.goto(`${server.url}/signup`);
		await page.getByLabel('Name').fill('Nia Newcomer');
		await page.getByLabel('Email').fill(`nia.${run}@example.test`);
		await page.getByLabel('Password').fill(password);
		await page.getByRole('button', { name: 'Create account' }).click();
		// The same answer whether or not the address had an account; the mail tells them apart.
		await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();
		await page.getByRole('link', { name: 'Sign in' }).click();
		await submitSignIn(page, { email: `nia.${run}@example.test`, password });
		await page.getByRole('heading', { name: 'No spaces yet' }).waitFor();
		expect(new URL(page.url()).pathname).toBe('/');
		// Signed in before confirming the address: the banner asks for it.
		await page.getByText('Confirm your email address').waitFor();
		await page.screenshot({ path: 'test-results/shell-empty.png' });

		// An address someone already has is refused next to the address field.
		await page.getByLabel('Space name').fill(`Nia Fest ${run}`);
		await page.getByLabel('Address (optional)').fill(mainSlug);
		await page.getByRole('button', { name: 'Create space' }).click();
		await expect
			.poll(() => page.getByLabel('Address (optional)').getAttribute('aria-invalid'))
			.toBe('true');
		expect(await page.getByText(`The slug "${mainSlug}" is already taken`).count()).toBe(1);

		await page.getByLabel('Address (optional)').fill('');
		await page.getByRole('button', { name: 'Create space' }).click();
		await page.getByRole('heading', { name: `Nia Fest ${run}`, level: 1 }).waitFor();
		expect(new URL(page.url()).pathname).toBe(`/s/nia-fest-${run}`);
		// The switcher knows the new space without a reload.
		await page.getByRole('button', { name: /Switch space/ }).click();
		await page.getByRole('menuitem', { name: /Nia Fest/ }).waitFor();
		await page.keyboard.press('Escape');
		expect(problems).toEqual([]);
		await page.close();
	});
});

describe('sign-in page', () => {
	it('shows a wrong password next to the form and keeps the email', async () => {
		const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
		await page.goto(`${server.url}/s/${mainSlug}/members`);
		expect(new URL(page.url()).pathname).toBe('/signin');
		await page.getByLabel('Email').fill(people.owner.email);
		await page.getByLabel('Password').fill('wrong password');
		await page.getByRole('button', { name: 'Sign in' }).click();
		await expect.poll(() => page.getByRole('alert').textContent()).toContain('do not match');
		expect(await page.getByLabel('Email').inputValue()).toBe(people.owner.email);
		await page.screenshot({ path: 'test-results/signin.png' });
		// After signing in, the page asked for first.
		await page.getByLabel('Password').fill(password);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.getByRole('heading', { name: 'Members', level: 1 }).waitFor();
		await page.close();
	});
});
