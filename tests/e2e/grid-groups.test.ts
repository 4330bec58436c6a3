// Grouping in a real browser: a sheet grouped by a select field (then a second one) shows header
// rows in the field's option order with counts over the whole view, collapses and expands them
// (remembered after a reload), never draws a header over a cell, lets arrow keys skip headers,
// and recounts when an edit elsewhere moves a record to another group.
import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Actor } from '$lib/server/auth/actor';
import type { AppContext } from '$lib/server/context';
import { addAttribute } from '$lib/server/services/attributes';
import { createEntityType } from '$lib/server/services/entity-types';
import { createRecords, getRecord } from '$lib/server/services/records';
import { createSpace } from '$lib/server/services/spaces';
import { createView } from '$lib/server/services/views';
import { bootTestApp } from '../support/app';
import { audit } from '../support/axe';
import { launchBrowser } from '../support/browser';
import { openSignedIn, signUpPerson, stopSuite } from '../support/e2e';
import { startAppServer, type AppServer } from '../support/server';

vi.setConfig({ testTimeout: 150_000 });

let context: AppContext;
let server: AppServer;
let browser: Browser;
let owner: Actor;
let slug: string;
let viewId: string;
const ids: string[] = [];
const run = Date.now().toString(36);
const person = { name: 'Gia Grouper', email: `gia.${run}@example.test` };
const password = 'groups-e2e-password';
const SHOTS = process.env.SHOTS_DIR ?? 'test-results';

// Option order differs from alphabetical order on purpose (Confirmed < Declined < Invited).
const statuses = ['Invited', 'Confirmed', 'Declined'] as const;
const teams = ['Red', 'Blue'] as const;
// 4 Invited, 4 Confirmed, 3 Declined, 2 without a status.
const guests = Array.from({ length: 13 }, (_, index) => ({
	name: `Guest ${index + 1}`,
	status: index < 11 ? statuses[index % 3] : null,
	team: teams[index % 2],
	vip: index % 3 === 0
}));
const countOf = (status: string | null) => guests.filter((guest) => guest.status === status).length;

beforeAll(async () => {
	context = await bootTestApp();
	owner = (await signUpPerson(context, { ...person, password })).actor;
	slug = (
		await createSpace({ context, actor: owner, input: { name: 'Groups', slug: `groups-${run}` } })
	).slug;
	const scope = { context, actor: owner, space: slug, type: 'guests' };
	await createEntityType({ ...scope, input: { name: 'Guests', key: 'guests' } });
	for (const input of [
		{ name: 'Name', key: 'name', kind: 'text', isRequired: true },
		{
			name: 'Status',
			key: 'status',
			kind: 'single_select',
			options: {
				choices: [
					{ name: 'Invited', color: 'blue' },
					{ name: 'Confirmed', color: 'green' },
					{ name: 'Declined', color: 'red' }
				]
			}
		},
		{
			name: 'Team',
			key: 'team',
			kind: 'single_select',
			options: { choices: teams.map((name) => ({ name })) }
		},
		{ name: 'VIP', key: 'vip', kind: 'checkbox' },
		{ name: 'No.', key: 'no', kind: 'auto_number' }
	]) {
		await addAttribute({ ...scope, input });
	}
	const { created } = await createRecords({ ...scope, values: guests.map((guest) => guest) });
	ids.push(...created.map((record) => record.id));
	viewId = (
		await createView({
			...scope,
			input: { name: 'By status and team', config: { groupBy: ['status', 'team'] } }
		})
	).id;
	server = await startAppServer();
	browser = await launchBrowser();
	mkdirSync(SHOTS, { recursive: true });
}, 180_000);

afterAll(() => stopSuite({ browser, server }));

async function openSheet(
	options: { width?: number; colorScheme?: 'light' | 'dark'; search?: string } = {}
): Promise<{ browserContext: BrowserContext; page: Page }> {
	const { browserContext, page } = await openSignedIn(
		browser,
		server,
		{ email: person.email, password },
		{ width: options.width, colorScheme: options.colorScheme }
	);
	await page.goto(`${server.url}/s/${slug}/t/guests${options.search ?? ''}`);
	await page.locator('[role="row"][aria-rowindex="2"] [role="gridcell"]').first().waitFor();
	await page.locator('[data-live-mode="socket"]').waitFor();
	return { browserContext, page };
}

const headers = (page: Page, level: number) => page.locator(`[data-group-header="${level}"]`);

/** Each drawn row from the top, as "# <header text>" or the record's name. */
async function drawnRows(page: Page): Promise<string[]> {
	return page.evaluate(() => {
		// Body rows only: the summaries footer is a row of the grid too.
		const rows = [
			...document.querySelectorAll<HTMLElement>(
				'[role="grid"] [role="row"]:not([data-testid="grid-footer"])'
			)
		]
			.filter((row) => Number(row.getAttribute('aria-rowindex')) >= 2)
			.sort(
				(a, b) => Number(a.getAttribute('aria-rowindex')) - Number(b.getAttribute('aria-rowindex'))
			);
		return rows.map((row) =>
			row.dataset.groupHeader !== undefined
				? `# ${row.textContent!.replace(/\s+/g, ' ').trim()}`
				: (row.querySelector('[role="gridcell"][aria-colindex="2"]')?.textContent ?? '').trim()
		);
	});
}

async function activeRowName(page: Page): Promise<string | null> {
	return page.evaluate(() => {
		const row = document.activeElement?.closest('[role="row"]');
		return row?.querySelector('[role="gridcell"][aria-colindex="2"]')?.textContent?.trim() ?? null;
	});
}

/** Vertical overlaps between a header row and any cell: what must never happen. */
async function overlaps(page: Page): Promise<string[]> {
	return page.evaluate(() => {
		const boxes = (selector: string) =>
			[...document.querySelectorAll<HTMLElement>(selector)].map((element) => ({
				element,
				box: element.getBoundingClientRect()
			}));
		const headerRows = boxes('[data-group-header]');
		// The sticky summaries footer lies over the rows scrolled under it, as the header does.
		const cells = boxes(
			'[role="row"]:not([data-group-header]):not([data-testid="grid-footer"]) [role="gridcell"]'
		);
		const found: string[] = [];
		for (const header of headerRows)
			for (const cell of cells) {
				const vertical =
					Math.min(header.box.bottom, cell.box.bottom) - Math.max(header.box.top, cell.box.top);
				const horizontal =
					Math.min(header.box.right, cell.box.right) - Math.max(header.box.left, cell.box.left);
				if (vertical > 0.5 && horizontal > 0.5)
					found.push(`${header.element.textContent?.trim()} / ${cell.element.textContent?.trim()}`);
			}
		return found;
	});
}

const collapseButton = (page: Page, name: RegExp) => page.getByRole('button', { name });

describe('grouping', () => {
	it('groups by a select in option order with counts, collapses, and keys skip headers', async () => {
		const { browserContext, page } = await openSheet();
		// Built in the view bar: Status, then Team as a second level.
		await page
			.getByRole('group', { name: 'View of Guests' })
			.getByRole('button', { name: /^Group/ })
			.click();
		const popover = page.getByRole('dialog', { name: 'Group records' });
		await popover.getByRole('combobox', { name: 'Group rows by' }).click();
		await page.getByRole('option', { name: 'Status', exact: true }).click();
		await popover.getByRole('combobox', { name: 'Add a group level' }).click();
		await page.getByRole('option', { name: 'Team', exact: true }).click();
		await page.keyboard.press('Escape');
		await popover.waitFor({ state: 'hidden' });

		await expect.poll(() => headers(page, 0).count()).toBe(4);
		const top = (await headers(page, 0).allTextContents()).map((text) =>
			text.replace(/\s+/g, ' ').trim()
		);
		expect(top).toEqual([
			`Status Invited ${countOf('Invited')} records`,
			`Status Confirmed ${countOf('Confirmed')} records`,
			`Status Declined ${countOf('Declined')} records`,
			`Status Empty ${countOf(null)} records`
		]);
		const rows = await drawnRows(page);
		// Under Invited: Red first (option order), then Blue, each with its records.
		expect(rows.slice(0, 6)).toEqual([
			'# Status Invited 4 records',
			'# Team Red 2 records',
			'Guest 1',
			'Guest 7',
			'# Team Blue 2 records',
			'Guest 4'
		]);
		expect(await overlaps(page)).toEqual([]);

		// Collapse Confirmed: its header stays with its count, its records go.
		await collapseButton(page, /^Collapse group Status: Confirmed$/).click();
		await expect
			.poll(async () => (await drawnRows(page)).filter((row) => row.startsWith('# Status')))
			.toContain('# Status Confirmed 4 records');
		const collapsed = await drawnRows(page);
		const at = collapsed.indexOf('# Status Confirmed 4 records');
		expect(collapsed[at + 1]).toBe('# Status Declined 3 records');
		expect(collapsed).not.toContain('Guest 2');
		expect(await overlaps(page)).toEqual([]);

		// Arrow down from the last Invited record lands on the first Declined one, past three headers.
		const lastInvited = collapsed[at - 1]!;
		await page
			.locator('[role="row"]')
			.filter({ hasText: lastInvited })
			.locator('[role="gridcell"][aria-colindex="2"]')
			.click();
		expect(await activeRowName(page)).toBe(lastInvited);
		await page.keyboard.press('ArrowDown');
		expect(await activeRowName(page)).toBe(collapsed[at + 3]);
		await page.keyboard.press('ArrowUp');
		expect(await activeRowName(page)).toBe(lastInvited);

		// A pasted column runs over the records shown: past the headers, not into the collapsed group.
		const idOf = (name: string) => ids[Number(name.replace('Guest ', '')) - 1]!;
		const [pastedA, pastedB] = [idOf(lastInvited), idOf(collapsed[at + 3]!)];
		await page.evaluate(() => {
			const data = new DataTransfer();
			data.setData('text/plain', 'Pasted A\r\nPasted B\r\n');
			document.activeElement!.dispatchEvent(
				new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true })
			);
		});
		const nameOf = async (id: string) => (await getRecord({ context, actor: owner, id })).name;
		await expect.poll(() => nameOf(pastedB), { timeout: 15_000 }).toBe('Pasted B');
		await expect.poll(() => nameOf(pastedA), { timeout: 15_000 }).toBe('Pasted A');
		for (const index of [1, 4, 7, 10]) expect(await nameOf(ids[index]!)).toBe(`Guest ${index + 1}`);

		// The editor opens over the record it edits, below the headers.
		await page.keyboard.press('ArrowDown');
		const editedName = (await activeRowName(page))!;
		const editedId = editedName === 'Pasted B' ? pastedB : idOf(editedName);
		await page.keyboard.press('Enter');
		const editor = page.getByRole('textbox', { name: 'Name' });
		const [editorBox, rowBox] = [
			await editor.boundingBox(),
			await page.locator('[role="row"]').filter({ hasText: editedName }).boundingBox()
		];
		expect(Math.abs(editorBox!.y - rowBox!.y)).toBeLessThan(4);
		await editor.fill('Edited');
		await page.keyboard.press('Enter');
		await expect.poll(() => nameOf(editedId), { timeout: 15_000 }).toBe('Edited');

		// An edit in another tab moves a record from Invited to Declined: both counts follow live.
		const other = await browserContext.newPage();
		await other.goto(`${server.url}/s/${slug}`);
		const status = await other.evaluate(
			async ([url, id]) =>
				(
					await fetch(`${url}?id=eq.${id}`, {
						method: 'PATCH',
						headers: { 'content-type': 'application/json' },
						body: JSON.stringify({ status: 'Declined' })
					})
				).status,
			[`/api/spaces/${slug}/rest/guests`, ids[0]!] as const
		);
		expect(status).toBeLessThan(300);
		await expect
			.poll(async () => (await drawnRows(page)).filter((row) => row.startsWith('# Status')), {
				timeout: 15_000
			})
			.toEqual([
				'# Status Invited 3 records',
				'# Status Confirmed 4 records',
				'# Status Declined 4 records',
				'# Status Empty 2 records'
			]);
		await browserContext.close();
	});

	it('remembers collapsed groups of a saved view after a reload, and expands all', async () => {
		const { browserContext, page } = await openSheet({ search: `?view=${viewId}` });
		// The page arrives grouped: its counts are read with the first rows, not after hydration.
		const html = await (
			await page.request.get(`${server.url}/s/${slug}/t/guests?view=${viewId}`)
		).text();
		expect(html.match(/data-group-header="0"/g)).toHaveLength(4);
		await expect.poll(() => headers(page, 0).count()).toBe(4);
		await collapseButton(page, /^Collapse group Status: Invited$/).click();
		await page.reload();
		await collapseButton(page, /^Expand group Status: Invited$/).waitFor();
		expect(await drawnRows(page)).not.toContain('Guest 4');
		await page.getByRole('button', { name: 'Collapse all' }).click();
		await expect.poll(() => headers(page, 1).count()).toBe(0);
		expect((await drawnRows(page)).every((row) => row.startsWith('#'))).toBe(true);
		await page.getByRole('button', { name: 'Expand all' }).click();
		await expect.poll(async () => (await drawnRows(page)).includes('Guest 4')).toBe(true);
		await browserContext.close();
	});

	it('looks right at 1440 and 375 px, light and dark, with two levels and one collapsed', async () => {
		for (const width of [1440, 375])
			for (const colorScheme of ['light', 'dark'] as const) {
				const { browserContext, page } = await openSheet({
					width,
					colorScheme,
					search: `?view=${viewId}`
				});
				await expect.poll(() => headers(page, 0).count()).toBe(4);
				await collapseButton(page, /^Collapse group Status: Confirmed$/).click();
				await collapseButton(page, /^Expand group Status: Confirmed$/).waitFor();
				expect(await overlaps(page)).toEqual([]);
				await page.screenshot({ path: `${SHOTS}/grouped-${width}-${colorScheme}.png` });
				if (width === 1440) expect(await audit(page)).toEqual([]);
				await browserContext.close();
			}
	});
});
