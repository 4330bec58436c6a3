// The grid's column tools in a real browser: the footer's summaries (computed over every record
// of the view, not the loaded rows, following filters and edits), the column menu on a
// right-click (duplicate, insert beside, rename, delete, filter, group), what a viewer is
// offered, and the shortcut sheet on `?`.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AppContext } from '$lib/server/context';
import { addAttribute } from '$lib/server/services/attributes';
import { createEntityType } from '$lib/server/services/entity-types';
import { createRecords } from '$lib/server/services/records';
import { bootTestApp } from '../support/app';
import { launchBrowser } from '../support/browser';
import { createSpaceWithMembers, openSignedIn, signUpPeople, stopSuite } from '../support/e2e';
import { startAppServer, type AppServer } from '../support/server';

vi.setConfig({ testTimeout: 150_000 });

let context: AppContext;
let server: AppServer;
let browser: Browser;

const run = Date.now().toString(36);
const password = 'columns-e2e-password';
const people = {
	owner: { name: 'Olga Owner', email: `olga.${run}@example.test` },
	viewer: { name: 'Vic Viewer', email: `vic.${run}@example.test` }
};
let slug = '';
/** More records than the grid's first page, so a figure over loaded rows would be wrong. */
const RECORDS = 450;
const scoreOf = (index: number) => (index % 50) + 1;

beforeAll(async () => {
	context = await bootTestApp();
	const users = await signUpPeople(context, people, password);
	const space = await createSpaceWithMembers(
		context,
		users.owner,
		{ name: 'Column Tools', slug: `cols-${run}` },
		[[users.viewer, 'viewer']]
	);
	slug = space.slug;
	const scope = { context, actor: users.owner.actor, space: slug };
	await createEntityType({ ...scope, input: { name: 'Guests', key: 'guests' } });
	for (const input of [
		{ name: 'Name', key: 'name', kind: 'text' },
		{ name: 'Score', key: 'score', kind: 'number' },
		{
			name: 'Status',
			key: 'status',
			kind: 'single_select',
			options: {
				choices: [
					{ id: 'a', name: 'Invited', color: 'blue' },
					{ id: 'b', name: 'Confirmed', color: 'green' }
				]
			}
		}
	])
		await addAttribute({ ...scope, type: 'guests', input });
	await createRecords({
		...scope,
		type: 'guests',
		values: Array.from({ length: RECORDS }, (_, index) => ({
			name: `Guest ${index + 1}`,
			score: scoreOf(index),
			status: index % 3 === 0 ? 'Confirmed' : 'Invited'
		}))
	});
	server = await startAppServer();
	browser = await launchBrowser();
}, 180_000);

afterAll(() => stopSuite({ browser, server }));

async function openSheet(
	person: keyof typeof people
): Promise<{ browserContext: BrowserContext; page: Page }> {
	const { browserContext, page } = await openSignedIn(browser, server, {
		email: people[person].email,
		password
	});
	await page.goto(`${server.url}/s/${slug}/t/guests`);
	await page.locator('[data-live-mode="socket"]').waitFor();
	return { browserContext, page };
}

const header = (page: Page, key: string) =>
	page.locator(`[role=columnheader][data-col-key=${key}]`);
const headerNames = (page: Page) =>
	page.locator('[role=columnheader][data-col-key]').evaluateAll((cells) =>
		cells
			.map((cell) => ({
				key: (cell as HTMLElement).dataset.colKey!,
				left: cell.getBoundingClientRect().left
			}))
			.sort((a, b) => a.left - b.left)
			.map((cell) => cell.key)
	);

describe('column summaries', () => {
	it('sums every record of the view, ignores a filter still being written, and follows an edit', async () => {
		const { browserContext, page } = await openSheet('owner');
		const footer = page.getByTestId('grid-footer');
		await footer.getByRole('button', { name: 'Summarize Score' }).click();
		await page.getByRole('menuitemradio', { name: 'Sum', exact: true }).click();
		const total = Array.from({ length: RECORDS }, (_, index) => scoreOf(index)).reduce(
			(a, b) => a + b
		);
		const summary = footer.getByRole('button', { name: /^Score: Sum/ });
		await expect.poll(() => summary.textContent()).toContain(total.toLocaleString('en-US'));

		// The column menu's filter opens the filter panel with a condition on the field; until it
		// has a value it filters nothing, for the rows and for the sum alike.
		await header(page, 'status').click({ button: 'right' });
		await page.getByRole('menuitem', { name: 'Filter by this field' }).click();
		const filterPanel = page.getByRole('dialog');
		await expect.poll(() => filterPanel.count()).toBeGreaterThan(0);
		expect(await filterPanel.getByText('Status', { exact: true }).count()).toBeGreaterThan(0);
		await page.keyboard.press('Escape');
		await page.waitForTimeout(1_000);
		expect(await summary.textContent()).toContain(total.toLocaleString('en-US'));

		// An edit moves the figure a moment later, without a reload.
		const firstScore = page.locator(
			'[role="row"][aria-rowindex="2"] [role="gridcell"][aria-colindex="3"]'
		);
		await firstScore.click();
		await page.keyboard.type('1001');
		await page.keyboard.press('Enter');
		await expect
			.poll(() => summary.textContent(), { timeout: 15_000 })
			.toContain((total - scoreOf(0) + 1001).toLocaleString('en-US'));
		await browserContext.close();
	});
});

describe('the column menu', () => {
	it('duplicates, inserts beside, renames and deletes a field from a right-click', async () => {
		const { browserContext, page } = await openSheet('owner');
		await header(page, 'score').click({ button: 'right' });
		await page.getByRole('menuitem', { name: 'Duplicate field' }).click();
		await header(page, 'score_copy').waitFor();
		expect(await headerNames(page)).toEqual(['name', 'score', 'score_copy', 'status']);
		// Its values came along.
		const copied = page.locator(
			'[role="row"][aria-rowindex="3"] [role="gridcell"][aria-colindex="4"]'
		);
		await expect.poll(() => copied.textContent()).toContain(String(scoreOf(1)));

		await header(page, 'status').click({ button: 'right' });
		await page.getByRole('menuitem', { name: 'Insert field left' }).click();
		await page.getByRole('dialog').getByLabel('Name', { exact: true }).fill('Table');
		await page
			.getByRole('dialog')
			.getByRole('button', { name: /add field/i })
			.click();
		await header(page, 'table').waitFor();
		await expect
			.poll(() => headerNames(page))
			.toEqual(['name', 'score', 'score_copy', 'table', 'status']);

		await header(page, 'table').click({ button: 'right' });
		await page.getByRole('menuitem', { name: 'Rename' }).click();
		await page.getByRole('dialog').getByLabel('Field name').fill('Seat');
		await page.getByRole('dialog').getByRole('button', { name: 'Rename' }).click();
		await expect.poll(() => header(page, 'table').textContent()).toContain('Seat');

		await header(page, 'score_copy').click({ button: 'right' });
		await page.getByRole('menuitem', { name: 'Delete field' }).click();
		await page.getByRole('dialog').getByRole('button', { name: 'Delete field' }).click();
		await expect.poll(() => header(page, 'score_copy').count()).toBe(0);
		await browserContext.close();
	});

	it('adds a select choice typed into a cell, and picks it', async () => {
		const { browserContext, page } = await openSheet('owner');
		// The columns moved in the test before: find Status by its header.
		const colIndex = await header(page, 'status').getAttribute('aria-colindex');
		const status = page.locator(
			`[role="row"][aria-rowindex="2"] [role="gridcell"][aria-colindex="${colIndex}"]`
		);
		await status.click();
		await page.keyboard.press('Enter');
		await page.keyboard.type('Waitlist');
		const create = page.getByRole('option', { name: 'Create “Waitlist”' });
		await create.waitFor();
		await page.keyboard.press('ArrowDown');
		await page.keyboard.press('Enter');
		await expect.poll(() => status.textContent(), { timeout: 15_000 }).toContain('Waitlist');
		// Stored, and a choice of the field from now on.
		const stored = () =>
			page.evaluate(
				async (url) => ((await (await fetch(url)).json()) as { status: string }[])[0]?.status,
				`${server.url}/api/spaces/${slug}/rest/guests?name=eq.Guest%201`
			);
		await expect.poll(stored, { timeout: 15_000 }).toBe('Waitlist');
		await browserContext.close();
	});

	it('offers a viewer the view tools and none of the schema ones', async () => {
		const { browserContext, page } = await openSheet('viewer');
		await header(page, 'name').click({ button: 'right' });
		const menu = page.getByRole('menu');
		await menu.waitFor();
		const items = await menu.getByRole('menuitem').allTextContents();
		expect(items.map((item) => item.trim())).toEqual([
			'Sort ascending',
			'Sort descending',
			'Filter by this field',
			'Group by this field',
			'Hide field'
		]);
		await page.keyboard.press('Escape');
		await browserContext.close();
	});

	it('lists the keyboard shortcuts on ?', async () => {
		const { browserContext, page } = await openSheet('viewer');
		await page.locator('[role="row"][aria-rowindex="2"] [role="gridcell"]').first().click();
		await page.keyboard.press('Shift+?');
		await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
		await browserContext.close();
	});

	it('jumps to a page with Ctrl+K, offering a viewer no schema pages', async () => {
		const { browserContext, page } = await openSheet('viewer');
		await page.keyboard.press('Control+k');
		const palette = page.getByRole('dialog', { name: 'Go to' });
		await palette.waitFor();
		await page.keyboard.type('fields');
		expect(await palette.getByRole('option').count()).toBe(0);
		await page.keyboard.press('Control+a');
		await page.keyboard.type('members');
		await palette.getByRole('option', { name: 'Members' }).waitFor();
		await page.keyboard.press('Enter');
		await page.waitForURL((url) => url.pathname === `/s/${slug}/members`);
		await browserContext.close();
	});
});
