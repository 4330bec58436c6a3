// Live everywhere, two people in two browsers: a comment shows on the other's open record page
// and as a count in their grid; an @mention lands in the other's inbox while it is open (the
// bell counts it); a field added, renamed and deleted, and a sheet added, show in the other's
// open grid, record page and sidebar without a reload; following a record brings its changes to
// the inbox. Screenshots of each at 1440 and 375 px, light and dark, go to test-results/live.
import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '$lib/server/auth/actor';
import type { AppContext } from '$lib/server/context';
import { addAttribute, deleteAttribute, updateAttribute } from '$lib/server/services/attributes';
import { addComment } from '$lib/server/services/comments';
import { createEntityType, deleteEntityType } from '$lib/server/services/entity-types';
import { createRecords, updateRecords } from '$lib/server/services/records';
import { bootTestApp, type TestUser } from '../support/app';
import { audit } from '../support/axe';
import { launchBrowser } from '../support/browser';
import {
	collectErrors,
	createSpaceWithMembers,
	openSignedIn,
	signUpPeople,
	stopSuite
} from '../support/e2e';
import { startAppServer, type AppServer } from '../support/server';

let context: AppContext;
let server: AppServer;
let browser: Browser;

const run = Date.now().toString(36);
const password = 'live-e2e-password';
const people = {
	owner: { name: 'Olivia Owner', email: `olivia.live.${run}@example.test` },
	editor: { name: 'Eddie Editor', email: `eddie.live.${run}@example.test` },
	viewer: { name: 'Vera Viewer', email: `vera.live.${run}@example.test` }
};
type Person = keyof typeof people;
let users: Record<Person, TestUser>;
let owner: Actor;
let slug: string;
let recordIds: string[] = [];
const consoleErrors: string[] = [];
const contexts: BrowserContext[] = [];
const SHOTS = 'test-results/live';

const eventually = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000 });

beforeAll(async () => {
	context = await bootTestApp();
	users = await signUpPeople(context, people, password);
	owner = users.owner.actor;
	const space = await createSpaceWithMembers(
		context,
		users.owner,
		{ name: 'Riverside Live', slug: `riverside-${run}` },
		[
			[users.editor, 'editor'],
			[users.viewer, 'viewer']
		]
	);
	slug = space.slug;
	const scope = { context, actor: owner, space: slug };
	await createEntityType({ ...scope, input: { name: 'Tasks' } });
	for (const input of [
		{ name: 'Title', kind: 'text' },
		{ name: 'Status', kind: 'text' },
		{ name: 'Assignee', kind: 'user' },
		{
			name: 'Stage',
			kind: 'single_select',
			options: {
				choices: [
					{ name: 'Planned', color: 'gray' },
					{ name: 'Ready', color: 'green' }
				]
			}
		},
		{ name: 'Notes', kind: 'long_text' }
	]) {
		await addAttribute({ ...scope, type: 'tasks', input });
	}
	const created = await createRecords({
		...scope,
		type: 'tasks',
		values: ['Rig the stage lights', 'Book the ferry', 'Print the badges'].map((title) => ({
			title,
			status: 'To do',
			stage: 'Planned'
		}))
	});
	recordIds = created.created.map((record) => record.id);
	server = await startAppServer();
	browser = await launchBrowser();
	mkdirSync(SHOTS, { recursive: true });
}, 180_000);

afterAll(() => stopSuite({ contexts, browser, server }));

async function signedIn(
	person: Person,
	options: { width?: number; height?: number; colorScheme?: 'light' | 'dark' } = {}
): Promise<Page> {
	const { page } = await openSignedIn(
		browser,
		server,
		{ email: people[person].email, password },
		{
			...options,
			height: options.height ?? 860,
			contexts,
			watch: (page) => collectErrors(page, consoleErrors, { who: person })
		}
	);
	return page;
}

const recordPath = (id: string) => `/s/${slug}/t/tasks/r/${id}`;

async function openRecord(page: Page, id: string): Promise<void> {
	await page.goto(`${server.url}${recordPath(id)}`);
	await page.getByText('Live', { exact: true }).waitFor();
}

async function openGrid(page: Page): Promise<void> {
	await page.goto(`${server.url}/s/${slug}/t/tasks`);
	await page.locator('[data-live-mode="socket"]').waitFor();
}

const badge = (page: Page) => page.getByTestId('inbox-unread');

describe('comments', () => {
	it('arrive on the other’s open record page and as a count in their grid, without a reload', async () => {
		const alice = await signedIn('owner');
		const bob = await signedIn('editor');
		const grid = await signedIn('editor');
		await openRecord(alice, recordIds[0]!);
		await openRecord(bob, recordIds[0]!);
		await openGrid(grid);
		await bob.getByRole('button', { name: 'Follow' }).waitFor();

		const box = alice.getByRole('combobox', { name: 'Add a comment' });
		await box.fill('The truss arrives at 9.');
		await alice.getByRole('button', { name: 'Comment', exact: true }).click();
		await bob.getByText('The truss arrives at 9.').waitFor({ timeout: 15_000 });
		await eventually(() =>
			grid.locator('[data-comment-count]').first().getAttribute('data-comment-count')
		).toBe('1');
		// Commenting follows the record.
		await alice.getByRole('button', { name: 'Following' }).waitFor();

		await bob.getByRole('combobox', { name: 'Add a comment' }).fill('Thanks, I will be there.');
		await bob.getByRole('button', { name: 'Comment', exact: true }).click();
		await alice.getByText('Thanks, I will be there.').waitFor({ timeout: 15_000 });
		await bob.getByRole('button', { name: 'Following' }).waitFor();
		await eventually(() =>
			grid.locator('[data-comment-count]').first().getAttribute('data-comment-count')
		).toBe('2');
		expect(consoleErrors).toEqual([]);
		for (const page of [alice, bob, grid]) await page.context().close();
	}, 120_000);
});

describe('the inbox', () => {
	it('counts a mention live, lists it, and clears with mark all read', async () => {
		const bob = await signedIn('editor');
		await bob.goto(`${server.url}/inbox`);
		await bob.getByRole('heading', { name: 'Inbox' }).waitFor();
		const before = Number(
			(await badge(bob)
				.textContent({ timeout: 2_000 })
				.catch(() => '0')) ?? 0
		);

		await addComment({
			context,
			actor: owner,
			space: slug,
			id: recordIds[1]!,
			input: { body: '@Eddie Editor can you call the ferry office?' }
		});
		await eventually(() => badge(bob).textContent()).toBe(String(before + 1));
		const item = bob.getByRole('link', { name: /Olivia Owner mentioned you on Book the ferry/ });
		await item.waitFor({ timeout: 15_000 });
		await bob.getByRole('link', { name: /Inbox, \d+ unread/ }).waitFor();

		// Assigned: a user field set to Bob, and a change to a record he follows.
		await updateRecords({
			context,
			actor: owner,
			space: slug,
			type: 'tasks',
			updates: [{ id: recordIds[2]!, values: { assignee: users.editor.id } }]
		});
		await bob.getByRole('link', { name: /assigned you to Print the badges/ }).waitFor({
			timeout: 15_000
		});
		expect(await audit(bob)).toEqual([]);

		await bob.getByRole('button', { name: 'Mark all read' }).click();
		await eventually(() => badge(bob).count()).toBe(0);
		await bob.getByText('All read').waitFor();

		// Opening an unread item marks it read and opens its record.
		await addComment({
			context,
			actor: owner,
			space: slug,
			id: recordIds[1]!,
			input: { body: '@Eddie Editor and the van too' }
		});
		await eventually(() => badge(bob).textContent()).toBe('1');
		const mentions = bob.getByRole('link', { name: /mentioned you on Book the ferry/ });
		await eventually(() => mentions.count()).toBe(2);
		await mentions.first().click();
		await eventually(() => new URL(bob.url()).pathname).toBe(recordPath(recordIds[1]!));
		await eventually(() => badge(bob).count()).toBe(0);
		expect(consoleErrors).toEqual([]);
		await bob.context().close();
	}, 120_000);

	it('brings changes to a followed record, and stops after unfollowing', async () => {
		const bob = await signedIn('editor');
		await openRecord(bob, recordIds[2]!);
		await bob.getByRole('button', { name: 'Follow' }).click();
		await bob.getByRole('button', { name: 'Following' }).waitFor();
		const unread = async () =>
			Number((await badge(bob).count()) ? await badge(bob).textContent() : 0);
		const before = await unread();
		const alice = await signedIn('owner');
		await openRecord(alice, recordIds[2]!);
		// A live edit on the record page: the group commit path, not the REST one.
		const status = alice.getByLabel('Status', { exact: true });
		await status.fill('Doing');
		await status.press('Enter');
		await alice.locator('[data-field="status"]').getByText('Saved').waitFor();
		await eventually(unread).toBe(before + 1);

		await bob.getByRole('button', { name: 'Following' }).click();
		await bob.getByRole('button', { name: 'Follow' }).waitFor();
		await bob.goto(`${server.url}/inbox`);
		await bob.getByRole('link', { name: /Olivia Owner changed Print the badges/ }).waitFor();
		await bob.getByRole('button', { name: 'Mark all read' }).click();
		await eventually(() => badge(bob).count()).toBe(0);
		await status.fill('Done');
		await status.press('Enter');
		await alice.locator('[data-field="status"]').getByText('Saved').waitFor();
		// Give a notification time to arrive, were one (wrongly) made.
		await new Promise((resolve) => setTimeout(resolve, 1_500));
		expect(await badge(bob).count()).toBe(0);
		for (const page of [alice, bob]) await page.context().close();
	}, 120_000);
});

describe('schema changes', () => {
	it('reach the other’s open grid, record page and sidebar without a reload', async () => {
		const grid = await signedIn('editor');
		const record = await signedIn('editor');
		await openGrid(grid);
		await openRecord(record, recordIds[0]!);
		const header = (name: string) => grid.getByRole('columnheader', { name, exact: false });
		const scope = { context, actor: owner, space: slug };

		await addAttribute({
			...scope,
			type: 'tasks',
			input: { name: 'Budget', kind: 'number' }
		});
		await header('Budget').first().waitFor({ timeout: 15_000 });
		await record.getByLabel('Budget', { exact: true }).waitFor({ timeout: 15_000 });

		await updateAttribute({
			...scope,
			type: 'tasks',
			attribute: 'budget',
			input: { name: 'Cost' }
		});
		await header('Cost').first().waitFor({ timeout: 15_000 });
		await eventually(() => header('Budget').count()).toBe(0);

		await deleteAttribute({ ...scope, type: 'tasks', attribute: 'budget' });
		await eventually(() => header('Cost').count()).toBe(0);
		await eventually(() => record.getByLabel('Cost', { exact: true }).count()).toBe(0);

		await createEntityType({ ...scope, input: { name: 'Vendors' } });
		const sidebar = grid.getByRole('navigation', { name: 'Space' });
		await sidebar.getByRole('link', { name: 'Vendors' }).first().waitFor({ timeout: 15_000 });
		await deleteEntityType({ ...scope, type: 'vendors' });
		await eventually(() => sidebar.getByRole('link', { name: 'Vendors' }).count()).toBe(0);
		expect(consoleErrors).toEqual([]);
		for (const page of [grid, record]) await page.context().close();
	}, 120_000);
});

describe('presence', () => {
	it('shows who else is on the board, and drops one who went offline within 30 s', async () => {
		const alice = await signedIn('owner');
		const bob = await signedIn('editor');
		const board = `${server.url}/s/${slug}/t/tasks/board`;
		await alice.goto(board);
		await bob.goto(board);
		const others = (page: Page) => page.getByRole('group', { name: /^Also here:/ });
		await others(alice).getByText('EE').waitFor({ timeout: 30_000 });
		// Who was there first shows at once, not at their next renewal (15 s).
		await others(bob).getByText('OO').waitFor({ timeout: 5_000 });
		expect(await others(alice).getAttribute('aria-label')).toBe('Also here: Eddie Editor');

		// No goodbye: the network goes, the page stays.
		await bob.context().setOffline(true);
		const gone = Date.now();
		await expect.poll(() => others(alice).count(), { timeout: 35_000, interval: 250 }).toBe(0);
		expect(Date.now() - gone).toBeLessThan(30_000);
		for (const page of [alice, bob]) await page.context().close();
	}, 120_000);

	it('says "is typing" while someone types, and stops after a few idle seconds', async () => {
		const alice = await signedIn('owner');
		const bob = await signedIn('editor');
		await openRecord(alice, recordIds[1]!);
		await openRecord(bob, recordIds[1]!);
		await bob.getByText('Olivia Owner is here').waitFor({ timeout: 5_000 });
		const notes = alice.getByLabel('Notes', { exact: true });
		await notes.click();
		await notes.pressSequentially('Call before noon.', { delay: 20 });
		await bob.getByText('Olivia Owner is typing…').waitFor({ timeout: 10_000 });
		const idle = Date.now();
		// Alice keeps the caret in the field, but stops typing.
		await expect
			.poll(() => bob.getByText('Olivia Owner is typing…').count(), { timeout: 10_000 })
			.toBe(0);
		expect(Date.now() - idle).toBeGreaterThan(2_000);
		expect(await notes.evaluate((element) => element === document.activeElement)).toBe(true);
		for (const page of [alice, bob]) await page.context().close();
	}, 120_000);
});

describe('screenshots', () => {
	const sizes = [
		{ name: '1440', width: 1440, height: 900 },
		{ name: '375', width: 375, height: 760 }
	];
	it.each(
		sizes.flatMap((size) => (['light', 'dark'] as const).map((scheme) => ({ ...size, scheme })))
	)(
		'of the inbox, the record page and the grid at $name px, $scheme',
		async ({ name, width, height, scheme }) => {
			const options = { width, height, colorScheme: scheme };
			const bob = await signedIn('editor', options);
			await bob.goto(`${server.url}/inbox`);
			await bob.getByRole('heading', { name: 'Inbox' }).waitFor();
			await bob.screenshot({ path: `${SHOTS}/inbox-${name}-${scheme}.png` });
			const vera = await signedIn('viewer', options);
			await vera.goto(`${server.url}/inbox`);
			await vera.getByText('Nothing here yet').waitFor();
			await vera.screenshot({ path: `${SHOTS}/inbox-empty-${name}-${scheme}.png` });
			await openRecord(bob, recordIds[0]!);
			await bob.getByText('The truss arrives at 9.').waitFor();
			await bob.screenshot({ path: `${SHOTS}/record-${name}-${scheme}.png`, fullPage: true });
			await openGrid(bob);
			await bob.locator('[data-comment-count]').first().waitFor();
			await bob.screenshot({ path: `${SHOTS}/grid-${name}-${scheme}.png` });
			for (const page of [vera, bob]) await page.context().close();
		},
		120_000
	);
});
