// The view bar in a real browser: filter, sort, group, hide fields and search a sheet of guests;
// save a view as one person and open it as another, from the menu and from a link; a viewer who
// shapes the rows locally but cannot save; a field added from the grid and filled in. Fixtures
// go through the services; every expected row comes from the seeded guests, not from the app.
import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Actor } from '$lib/server/auth/actor';
import type { AppContext } from '$lib/server/context';
import { addAttribute } from '$lib/server/services/attributes';
import { createEntityType } from '$lib/server/services/entity-types';
import { createRecords, queryRecords } from '$lib/server/services/records';
import { createView } from '$lib/server/services/views';
import { bootTestApp } from '../support/app';
import { launchBrowser } from '../support/browser';
import {
	collectErrors,
	createSpaceWithMembers,
	openSignedIn,
	signUpPeople,
	stopSuite
} from '../support/e2e';
import { startAppServer, type AppServer } from '../support/server';

// Several browser contexts against a built server on a shared machine: pages take seconds each.
vi.setConfig({ testTimeout: 150_000 });

let context: AppContext;
let server: AppServer;
let browser: Browser;

const run = Date.now().toString(36);
const password = 'views-e2e-password';
const people = {
	owner: { name: 'Olga Owner', email: `olga.${run}@example.test` },
	editor: { name: 'Emil Editor', email: `emil.${run}@example.test` },
	viewer: { name: 'Vik Viewer', email: `vik.${run}@example.test` }
};
let owner: Actor;
let slug: string;
const consoleErrors: string[] = [];

const statuses = ['Invited', 'Confirmed', 'Declined'] as const;
interface Guest {
	name: string;
	email: string;
	score: number;
	status: (typeof statuses)[number];
}
// Scores are a permutation that sorting visibly reorders (37 and 100 share no factor).
const guests: Guest[] = Array.from({ length: 18 }, (_, index) => ({
	name: `Guest ${index + 1}`,
	email: `guest${index + 1}@example.org`,
	score: (index * 37) % 100,
	status: statuses[index % statuses.length]!
}));
const names = (rows: Guest[]) => rows.map((guest) => guest.name);
const byScore = (direction: 'asc' | 'desc') => (a: Guest, b: Guest) =>
	direction === 'asc' ? a.score - b.score : b.score - a.score;

/** Saved through the services, for the viewer to open. */
const viewerView = { name: 'Confirmed, best first', status: 'Confirmed' as const };

beforeAll(async () => {
	context = await bootTestApp();
	const users = await signUpPeople(context, people, password);
	owner = users.owner.actor;
	const space = await createSpaceWithMembers(
		context,
		users.owner,
		{ name: 'Views Gala', slug: `views-${run}` },
		[
			[users.editor, 'editor'],
			[users.viewer, 'viewer']
		]
	);
	slug = space.slug;
	const scope = { context, actor: owner, space: slug, type: 'guests' };
	await createEntityType({ ...scope, input: { name: 'Guests', key: 'guests' } });
	for (const input of [
		{ name: 'Name', key: 'name', kind: 'text', isRequired: true },
		{ name: 'Email', key: 'email', kind: 'email' },
		{ name: 'Score', key: 'score', kind: 'number' },
		{
			name: 'Status',
			key: 'status',
			kind: 'single_select',
			options: { choices: statuses.map((name) => ({ name })) }
		},
		// Without a sort of its own the grid shows rows in this number's order: as they were added.
		{ name: 'No.', key: 'no', kind: 'auto_number' }
	]) {
		await addAttribute({ ...scope, input });
	}
	await createRecords({ ...scope, values: guests.map((guest) => ({ ...guest })) });
	await createView({
		...scope,
		input: {
			name: viewerView.name,
			config: {
				filter: {
					type: 'and',
					children: [
						{ type: 'condition', field: 'status', operator: 'eq', value: viewerView.status }
					]
				},
				sort: [{ field: 'score', direction: 'desc' }]
			}
		}
	});
	server = await startAppServer();
	browser = await launchBrowser();
	mkdirSync('test-results', { recursive: true });
}, 180_000);

afterAll(() => stopSuite({ browser, server }));

function signedIn(
	person: keyof typeof people,
	viewport: { width: number; height: number } = { width: 1280, height: 800 }
): Promise<{ browserContext: BrowserContext; page: Page }> {
	return openSignedIn(
		browser,
		server,
		{ email: people[person].email, password },
		{ ...viewport, watch: (page) => collectErrors(page, consoleErrors, { who: person }) }
	);
}

/** The guests sheet, hydrated with its live connection up; `search` is appended to the URL. */
async function gotoSheet(page: Page, search = '') {
	await page.goto(`${server.url}/s/${slug}/t/guests${search}`);
	await sheetReady(page);
}

async function sheetReady(page: Page) {
	await page.locator('[role="row"][aria-rowindex="2"] [role="gridcell"]').first().waitFor();
	await page.locator('[data-live-mode="socket"]').waitFor();
}

async function openSheet(
	person: keyof typeof people,
	viewport?: { width: number; height: number }
): Promise<{ browserContext: BrowserContext; page: Page }> {
	const session = await signedIn(person, viewport);
	await gotoSheet(session.page);
	return session;
}

/**
 * Closes a session that should have shown no problem: no notice (a refused presence update, a
 * failed query) may have come up on the way.
 */
async function leave({ browserContext, page }: { browserContext: BrowserContext; page: Page }) {
	expect(await page.getByRole('alert').allTextContents()).toEqual([]);
	await browserContext.close();
}

const header = (page: Page, key: string) =>
	page.locator(`[role="columnheader"][data-col-key="${key}"]`);

/** The texts of the first `count` rows in a field's column, read where the grid shows them. */
async function column(page: Page, key: string, count: number): Promise<string[]> {
	const colIndex = await header(page, key).getAttribute('aria-colindex');
	const texts: string[] = [];
	for (let row = 0; row < count; row++) {
		const cell = page.locator(
			`[role="row"][aria-rowindex="${row + 2}"] [role="gridcell"][aria-colindex="${colIndex}"]`
		);
		texts.push(((await cell.textContent()) ?? '').trim());
	}
	return texts;
}

const recordCount = async (page: Page) =>
	((await page.getByTestId('row-count').textContent()) ?? '').trim();
const records = (count: number) => `${count} ${count === 1 ? 'record' : 'records'}`;

const viewBar = (page: Page) => page.getByRole('group', { name: 'View of Guests' });

/** Opens one of the view bar's tools and returns its popover. */
async function openTool(page: Page, button: RegExp, title: string): Promise<Locator> {
	await viewBar(page).getByRole('button', { name: button }).click();
	const popover = page.getByRole('dialog', { name: title });
	await popover.waitFor();
	return popover;
}

async function closeTool(page: Page, popover: Locator) {
	await page.keyboard.press('Escape');
	await popover.waitFor({ state: 'hidden' });
}

/** Chooses an item of a view bar pick list (a Bits UI select). */
async function pick(page: Page, list: Locator, option: string) {
	await list.click();
	const item = page.getByRole('option', { name: option, exact: true });
	await item.click();
	await item.waitFor({ state: 'hidden' });
}

/** Adds "Status is <status>" through the filter popover, which stays open. */
async function filterByStatus(page: Page, status: string): Promise<Locator> {
	const popover = await openTool(page, /^Filter/, 'Filter records');
	await popover.getByRole('button', { name: 'Add condition', exact: true }).click();
	const condition = popover.getByRole('group', { name: /^Condition on / });
	await pick(page, condition.getByRole('combobox', { name: 'Field', exact: true }), 'Status');
	await pick(page, condition.getByRole('combobox', { name: 'Value for Status' }), status);
	return popover;
}

async function openSavedViews(page: Page): Promise<Locator> {
	await viewBar(page)
		.getByRole('button', { name: /^Saved views: / })
		.click();
	const menu = page.getByRole('menu');
	await menu.waitFor();
	return menu;
}

describe('shaping the rows', () => {
	it('filters by a select, sorts by a number and clears both again', async () => {
		const { browserContext, page } = await openSheet('owner');
		await expect.poll(() => recordCount(page)).toBe(records(guests.length));
		expect(await column(page, 'name', 3)).toEqual(names(guests.slice(0, 3)));

		const confirmed = guests.filter((guest) => guest.status === 'Confirmed');
		const filter = await filterByStatus(page, 'Confirmed');
		await expect.poll(() => recordCount(page)).toBe(records(confirmed.length));
		await expect
			.poll(() => column(page, 'status', confirmed.length))
			.toEqual(confirmed.map(() => 'Confirmed'));
		expect(await column(page, 'name', confirmed.length)).toEqual(names(confirmed));
		await page.screenshot({ path: 'test-results/views-filtered.png' });
		await closeTool(page, filter);
		await viewBar(page).getByRole('button', { name: 'Filter (1 active)' }).waitFor();

		const sort = await openTool(page, /^Sort/, 'Sort records');
		await pick(page, sort.getByRole('combobox', { name: 'Add a sort by' }), 'Score');
		await pick(page, sort.getByRole('combobox', { name: 'Direction for Score' }), '9 → 1');
		const best = [...confirmed].sort(byScore('desc'));
		await expect.poll(() => column(page, 'name', best.length)).toEqual(names(best));
		expect(await header(page, 'score').getAttribute('aria-sort')).toBe('descending');
		await sort.getByRole('button', { name: 'Clear sort' }).click();
		await expect.poll(() => column(page, 'name', confirmed.length)).toEqual(names(confirmed));
		await closeTool(page, sort);

		const again = await openTool(page, /^Filter/, 'Filter records');
		await again.getByRole('button', { name: 'Clear all' }).click();
		await expect.poll(() => recordCount(page)).toBe(records(guests.length));
		expect(await column(page, 'name', 3)).toEqual(names(guests.slice(0, 3)));
		await closeTool(page, again);
		await leave({ browserContext, page });
	});

	it("groups rows by a select field under header rows, in the choices' order", async () => {
		const { browserContext, page } = await openSheet('owner');
		// Rows take a while to come: meanwhile the old, ungrouped rows must carry no group headers.
		await page.route('**/rest/guests?**', async (route) => {
			await new Promise((resolve) => setTimeout(resolve, 600));
			await route.continue();
		});
		const group = await openTool(page, /^Group/, 'Group records');
		await pick(page, group.getByRole('combobox', { name: 'Group rows by' }), 'Status');
		await closeTool(page, group);
		await viewBar(page).getByRole('button', { name: 'Grouped by Status' }).waitFor();

		const headers = page.locator('[data-group-header="0"]');
		await expect.poll(() => headers.count()).toBe(statuses.length);
		for (const status of statuses) {
			const size = guests.filter((guest) => guest.status === status).length;
			const header = headers.filter({ hasText: status });
			expect((await header.textContent())?.replace(/\s+/g, ' ').trim()).toBe(
				`Status ${status} ${records(size)}`
			);
			// The records under a header are that group's, and only those.
			const at = Number(await header.getAttribute('aria-rowindex'));
			const colIndex = await page
				.locator('[role="columnheader"][data-col-key="status"]')
				.getAttribute('aria-colindex');
			const texts = () =>
				page.locator('[role="row"]').evaluateAll(
					(rows, [from, to, col]) =>
						rows
							.filter((row) => {
								const index = Number(row.getAttribute('aria-rowindex'));
								return index > from && index <= to;
							})
							.map((row) =>
								(
									row.querySelector(`[role="gridcell"][aria-colindex="${col}"]`)?.textContent ?? ''
								).trim()
							),
					[at, at + size, colIndex] as const
				);
			await expect.poll(texts).toEqual(Array(size).fill(status));
		}
		await page.screenshot({ path: 'test-results/views-grouped.png' });
		await leave({ browserContext, page });
	});

	it('resizes a column by its edge and moves one by dragging its header', async () => {
		const session = await openSheet('owner');
		const { page } = session;
		const widthOf = async (key: string) => (await header(page, key).boundingBox())!.width;
		const emailWidth = await widthOf('email');
		const handle = (await page.locator('[data-resize="email"]').boundingBox())!;
		const y = handle.y + handle.height / 2;
		await page.mouse.move(handle.x + handle.width / 2, y);
		await page.mouse.down();
		await page.mouse.move(handle.x + handle.width / 2 + 80, y, { steps: 5 });
		await page.mouse.up();
		await expect.poll(() => widthOf('email')).toBe(emailWidth + 80);
		// The cells follow their header.
		const emailCell = page.locator(
			`[role="row"][aria-rowindex="2"] [role="gridcell"][aria-colindex="${await header(page, 'email').getAttribute('aria-colindex')}"]`
		);
		expect((await emailCell.boundingBox())!.width).toBe(emailWidth + 80);

		const order = () =>
			page
				.locator('[role="columnheader"][data-col-key]')
				.evaluateAll((headers) => headers.map((each) => each.getAttribute('data-col-key')));
		const before = await order();
		expect(before.slice(0, 3)).toEqual(['name', 'email', 'score']);
		const score = (await header(page, 'score').boundingBox())!;
		const email = (await header(page, 'email').boundingBox())!;
		await page.mouse.move(score.x + score.width / 2, score.y + score.height / 2);
		await page.mouse.down();
		await page.mouse.move(email.x + 10, score.y + score.height / 2, { steps: 8 });
		await page.mouse.up();
		await expect
			.poll(order)
			.toEqual([
				'name',
				'score',
				'email',
				...before.filter((key) => !['name', 'score', 'email'].includes(key!))
			]);
		// Each row's cells moved with it: the score column now holds the numbers.
		const scoreTexts = await column(page, 'score', 3);
		expect(scoreTexts.every((text) => /^\d/.test(text))).toBe(true);
		expect(await header(page, 'score').getAttribute('aria-colindex')).toBe('3');
		await leave(session);
	});

	it('hides a field from the Fields menu and shows it again', async () => {
		const { browserContext, page } = await openSheet('owner');
		await header(page, 'email').waitFor();
		const fields = await openTool(page, /^Fields$/, 'Fields');
		await fields.getByRole('checkbox', { name: /^Email/ }).uncheck();
		await expect.poll(() => header(page, 'email').count()).toBe(0);
		expect(await header(page, 'score').count()).toBe(1);
		await closeTool(page, fields);

		const again = await openTool(page, /^1 hidden$/, 'Fields');
		await again.getByRole('checkbox', { name: /^Email/ }).check();
		await header(page, 'email').waitFor();
		expect(await column(page, 'email', 2)).toEqual(guests.slice(0, 2).map((guest) => guest.email));
		await closeTool(page, again);
		await viewBar(page).getByRole('button', { name: 'Fields', exact: true }).waitFor();
		await leave({ browserContext, page });
	});

	it('narrows the rows to those matching the search box', async () => {
		const { browserContext, page } = await openSheet('owner');
		const search = viewBar(page).getByRole('searchbox', { name: 'Search records' });
		const text = 'Guest 1';
		const found = guests.filter((guest) => guest.name.includes(text));
		await search.fill(text);
		await expect.poll(() => recordCount(page)).toBe(records(found.length));
		expect(await column(page, 'name', found.length)).toEqual(names(found));

		await search.fill('nobody by this name');
		await expect.poll(() => recordCount(page)).toBe(records(0));
		await page.getByText('No records match this view').waitFor();

		await viewBar(page).getByRole('button', { name: 'Clear search' }).click();
		await expect.poll(() => recordCount(page)).toBe(records(guests.length));
		await leave({ browserContext, page });
	});
});

describe('saved views', () => {
	it('saves a view for the space that another member opens from the menu and a link', async () => {
		const a = await openSheet('owner');
		const threshold = 40;
		const expected = guests
			.filter((guest) => guest.score >= threshold)
			.sort(byScore('asc'))
			.map((guest) => guest.name);

		const filter = await openTool(a.page, /^Filter/, 'Filter records');
		await filter.getByRole('button', { name: 'Add condition', exact: true }).click();
		const condition = filter.getByRole('group', { name: /^Condition on / });
		await pick(a.page, condition.getByRole('combobox', { name: 'Field', exact: true }), 'Score');
		await pick(a.page, condition.getByRole('combobox', { name: 'Operator for Score' }), '≥');
		await condition.getByRole('textbox', { name: 'Value for Score' }).fill(String(threshold));
		await a.page.keyboard.press('Enter');
		await expect.poll(() => recordCount(a.page)).toBe(records(expected.length));
		await closeTool(a.page, filter);
		const sort = await openTool(a.page, /^Sort/, 'Sort records');
		await pick(a.page, sort.getByRole('combobox', { name: 'Add a sort by' }), 'Score');
		await closeTool(a.page, sort);
		const fields = await openTool(a.page, /^Fields$/, 'Fields');
		await fields.getByRole('checkbox', { name: /^Email/ }).uncheck();
		await closeTool(a.page, fields);
		await expect.poll(() => column(a.page, 'name', expected.length)).toEqual(expected);
		expect(await header(a.page, 'email').count()).toBe(0);

		const name = `High scores ${run}`;
		const menu = await openSavedViews(a.page);
		await menu.getByRole('menuitem', { name: 'Save as new view…' }).click();
		const dialog = a.page.getByRole('dialog', { name: 'Save as new view' });
		await dialog.getByRole('textbox', { name: 'View name' }).fill(name);
		await dialog.getByRole('button', { name: 'Save view' }).click();
		await dialog.waitFor({ state: 'hidden' });
		// Saved: the menu names the view and no longer marks unsaved changes.
		await viewBar(a.page)
			.getByRole('button', { name: `Saved views: ${name}`, exact: true })
			.waitFor();
		await a.page.waitForURL((url) => url.searchParams.has('view'));
		const viewId = new URL(a.page.url()).searchParams.get('view')!;
		await leave(a);

		// The editor finds it in the menu and sees the same rows and columns.
		const b = await openSheet('editor');
		await expect.poll(() => recordCount(b.page)).toBe(records(guests.length));
		const list = await openSavedViews(b.page);
		await list.getByRole('menuitem', { name }).click();
		await viewBar(b.page)
			.getByRole('button', { name: `Saved views: ${name}`, exact: true })
			.waitFor();
		await expect.poll(() => recordCount(b.page)).toBe(records(expected.length));
		await expect.poll(() => column(b.page, 'name', expected.length)).toEqual(expected);
		expect(await header(b.page, 'email').count()).toBe(0);
		await viewBar(b.page).getByRole('button', { name: 'Filter (1 active)' }).waitFor();
		expect(new URL(b.page.url()).searchParams.get('view')).toBe(viewId);

		// The link opens it directly, from the first page load on.
		await b.page.reload();
		await sheetReady(b.page);
		await viewBar(b.page)
			.getByRole('button', { name: `Saved views: ${name}` })
			.waitFor();
		expect(await recordCount(b.page)).toBe(records(expected.length));
		expect(await column(b.page, 'name', expected.length)).toEqual(expected);
		expect(await header(b.page, 'email').count()).toBe(0);
		await leave(b);

		const c = await signedIn('editor');
		await gotoSheet(c.page, `?view=${encodeURIComponent(viewId)}`);
		await viewBar(c.page)
			.getByRole('button', { name: `Saved views: ${name}` })
			.waitFor();
		expect(await column(c.page, 'name', expected.length)).toEqual(expected);
		await leave(c);
	});

	it('lets a viewer open a saved view and filter it, but not save, rename or delete', async () => {
		const { browserContext, page } = await openSheet('viewer');
		const expected = guests
			.filter((guest) => guest.status === viewerView.status)
			.sort(byScore('desc'));
		const menu = await openSavedViews(page);
		await menu.getByText('Owners and editors save them').waitFor();
		await menu.getByRole('menuitem', { name: viewerView.name }).click();
		await expect.poll(() => recordCount(page)).toBe(records(expected.length));
		await expect.poll(() => column(page, 'name', expected.length)).toEqual(names(expected));

		const filter = await openTool(page, /^Filter/, 'Filter records');
		await filter.getByRole('button', { name: 'Add condition', exact: true }).click();
		const condition = filter.getByRole('group', { name: 'Condition on Name' });
		await condition.getByRole('textbox', { name: 'Value for Name' }).fill('Guest 1');
		await page.keyboard.press('Enter');
		const narrowed = expected.filter((guest) => guest.name.includes('Guest 1'));
		await expect.poll(() => recordCount(page)).toBe(records(narrowed.length));
		await closeTool(page, filter);

		const changed = await openSavedViews(page);
		await changed.getByRole('menuitem', { name: 'Discard changes' }).waitFor();
		const offered = (await changed.getByRole('menuitem').allTextContents()).map((text) =>
			text.trim()
		);
		expect(offered.some((text) => /save|rename|delete/i.test(text))).toBe(false);
		await changed.getByRole('menuitem', { name: 'Discard changes' }).click();
		await expect.poll(() => recordCount(page)).toBe(records(expected.length));
		await viewBar(page)
			.getByRole('button', { name: `Saved views: ${viewerView.name}`, exact: true })
			.waitFor();
		await leave({ browserContext, page });
	});
});

describe('fields', () => {
	it('adds a field from the grid and keeps what is typed into its cells', async () => {
		const { browserContext, page } = await openSheet('owner');
		await page.getByRole('link', { name: 'Add a field' }).click();
		await page.waitForURL((url) => url.pathname.endsWith('/t/guests/fields'));
		await page.getByRole('button', { name: 'Add field' }).click();
		const dialog = page.getByRole('dialog', { name: 'Add a field' });
		await dialog.getByRole('textbox', { name: 'Name' }).fill('Diet');
		await dialog.getByRole('button', { name: 'Add field' }).click();
		await dialog.waitFor({ state: 'hidden' });
		await page
			.getByRole('list', { name: 'Fields of Guests' })
			.getByRole('listitem')
			.filter({ hasText: 'Diet' })
			.waitFor();

		await gotoSheet(page);
		const colIndex = await header(page, 'diet').getAttribute('aria-colindex');
		const cell = page.locator(
			`[role="row"][aria-rowindex="3"] [role="gridcell"][aria-colindex="${colIndex}"]`
		);
		await cell.click();
		await page.keyboard.type('Vegetarian');
		await page.keyboard.press('Enter');
		await expect
			.poll(async () => {
				const { records: rows } = await queryRecords({
					context,
					actor: owner,
					space: slug,
					type: 'guests',
					query: { filter: { type: 'condition', field: 'name', operator: 'eq', value: 'Guest 2' } }
				});
				return rows[0]?.diet;
			})
			.toBe('Vegetarian');

		await page.reload();
		await sheetReady(page);
		expect(await column(page, 'diet', 2)).toEqual(['', 'Vegetarian']);
		await leave({ browserContext, page });
	});
});

describe('looks', () => {
	it('fits the view bar and its popovers on a phone', async () => {
		const { browserContext, page } = await openSheet('owner', { width: 375, height: 812 });
		const options = await openTool(page, /^View options/, 'View options');
		await options.getByRole('button', { name: 'Add condition', exact: true }).click();
		const condition = options.getByRole('group', { name: /^Condition on / });
		await pick(page, condition.getByRole('combobox', { name: 'Field', exact: true }), 'Status');
		await pick(page, condition.getByRole('combobox', { name: 'Value for Status' }), 'Declined');
		const declined = guests.filter((guest) => guest.status === 'Declined');
		await expect.poll(() => recordCount(page)).toBe(records(declined.length));
		// A second condition: its "and" picker is readable, not cut to "a…".
		await options.getByRole('button', { name: 'Add condition', exact: true }).click();
		const conjunction = options.getByRole('combobox', { name: 'Join conditions with' });
		await expect.poll(() => conjunction.textContent()).toContain('and');
		expect(
			await conjunction.evaluate((trigger) =>
				[...trigger.querySelectorAll('span')].every((span) => span.scrollWidth <= span.clientWidth)
			)
		).toBe(true);
		const box = (await options.boundingBox())!;
		expect(box.x).toBeGreaterThanOrEqual(0);
		expect(box.x + box.width).toBeLessThanOrEqual(375);
		await page.screenshot({ path: 'test-results/views-phone.png' });
		await leave({ browserContext, page });
	});

	it('logs no errors in the console on any page', () => {
		expect(consoleErrors).toEqual([]);
	});
});
