// The grid in a real browser: two people editing one sheet live (values, presence, outlines),
// pasting a block from a spreadsheet, inline errors for bad values, a viewer who cannot edit,
// spreadsheet keys, undo and redo, and the connection states. Fixtures go through the services;
// every check is what a user sees, confirmed against the REST API where it matters.
import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Actor } from '$lib/server/auth/actor';
import type { AppContext } from '$lib/server/context';
import { addAttribute } from '$lib/server/services/attributes';
import { createEntityType } from '$lib/server/services/entity-types';
import { createRecords, queryRecords } from '$lib/server/services/records';
import { bootTestApp, type TestUser } from '../support/app';
import { launchBrowser } from '../support/browser';
import {
	collectErrors,
	createSpaceWithMembers,
	openSignedIn,
	signIn,
	signUpPeople,
	stopSuite
} from '../support/e2e';
import { startAppServer, type AppServer } from '../support/server';

// Two browsers against a built server on a shared machine: pages take a few seconds each.
vi.setConfig({ testTimeout: 150_000 });

let context: AppContext;
let server: AppServer;
let browser: Browser;

const run = Date.now().toString(36);
const password = 'grid-e2e-password';
const people = {
	owner: { name: 'Ada Owner', email: `ada.${run}@example.test` },
	editor: { name: 'Ben Editor', email: `ben.${run}@example.test` },
	viewer: { name: 'Vera Viewer', email: `vera.${run}@example.test` }
};
let users: Record<keyof typeof people, TestUser>;
let owner: Actor;
let slug: string;
const SEEDED = 30;
let tableIds: string[] = [];
// A 2 x 2 PNG, red and blue: enough for a thumbnail to load.
const PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAE0lEQVR4nGO4o6ammvyaAYiBLAAkaAU3/SddMwAAAABJRU5ErkJggg==',
	'base64'
);
const consoleErrors: string[] = [];

beforeAll(async () => {
	context = await bootTestApp();
	users = await signUpPeople(context, people, password);
	owner = users.owner.actor;
	const space = await createSpaceWithMembers(
		context,
		users.owner,
		{ name: 'Grid Festival', slug: `grid-${run}` },
		[
			[users.editor, 'editor'],
			[users.viewer, 'viewer']
		]
	);
	slug = space.slug;
	const scope = { context, actor: owner, space: slug };
	const tables = await createEntityType({ ...scope, input: { name: 'Tables', key: 'tables' } });
	await addAttribute({
		...scope,
		type: 'tables',
		input: { name: 'Name', key: 'name', kind: 'text' }
	});
	const created = await createRecords({
		...scope,
		type: 'tables',
		values: [{ name: 'Table 1' }, { name: 'Table 2' }, { name: 'Table 3' }]
	});
	tableIds = created.created.map((record) => record.id);
	await createEntityType({ ...scope, input: { name: 'Guests', key: 'guests' } });
	for (const input of [
		{ name: 'Name', key: 'name', kind: 'text', isRequired: true },
		{ name: 'Email', key: 'email', kind: 'email' },
		{ name: 'Score', key: 'score', kind: 'number' },
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
		{ name: 'VIP', key: 'vip', kind: 'checkbox' },
		{ name: 'Rating', key: 'rating', kind: 'rating', options: { max: 5 } },
		{ name: 'Arrives', key: 'arrives', kind: 'date' },
		{ name: 'Host', key: 'host', kind: 'user' },
		{ name: 'No.', key: 'no', kind: 'auto_number' },
		{
			name: 'Table',
			key: 'table',
			kind: 'relation',
			options: { targetEntityTypeId: tables.id, allowMultiple: false }
		},
		{ name: 'Photo', key: 'photo', kind: 'attachment' },
		{
			name: 'Task',
			key: 'task',
			kind: 'single_select',
			options: { choices: [{ name: 'To do' }, { name: 'Done' }] }
		},
		{
			name: 'Needs',
			key: 'needs',
			kind: 'multi_select',
			options: { choices: [{ name: 'Parking' }, { name: 'Vegan' }, { name: 'Wheelchair' }] }
		}
	]) {
		await addAttribute({ ...scope, type: 'guests', input });
	}
	await createRecords({
		...scope,
		type: 'guests',
		values: Array.from({ length: SEEDED }, (_, index) => ({
			name: `Guest ${index + 1}`,
			email: `guest${index + 1}@example.org`,
			score: index * 10,
			status: ['Invited', 'Confirmed', 'Declined'][index % 3],
			vip: index % 4 === 0,
			rating: (index % 5) + 1,
			arrives: `2026-07-${String((index % 28) + 1).padStart(2, '0')}`,
			host: index % 2 === 0 ? users.owner.id : users.editor.id
		}))
	});
	server = await startAppServer();
	browser = await launchBrowser();
	mkdirSync('test-results', { recursive: true });
}, 180_000);

afterAll(() => stopSuite({ browser, server }));

async function openSheet(
	person: keyof typeof people,
	options: { colorScheme?: 'light' | 'dark'; width?: number } = {}
): Promise<{ browserContext: BrowserContext; page: Page }> {
	const { browserContext, page } = await openSignedIn(
		browser,
		server,
		{ email: people[person].email, password },
		{
			...options,
			watch: (page) => collectErrors(page, consoleErrors, { who: person })
		}
	);
	await page.goto(`${server.url}/s/${slug}/t/guests`);
	await cell(page, 0, 'Name').waitFor();
	// Hydrated, with the live connection up.
	await page.locator('[data-live-mode="socket"]').waitFor();
	return { browserContext, page };
}

const columns = [
	'Name',
	'Email',
	'Score',
	'Status',
	'VIP',
	'Rating',
	'Arrives',
	'Host',
	'No.',
	'Table',
	'Photo',
	'Task',
	'Needs'
];

/** A body cell by row (0-based) and column name, through the ARIA grid indexes. */
function cell(page: Page, row: number, column: string): Locator {
	const colIndex = columns.indexOf(column) + 2;
	return page.locator(
		`[role="row"][aria-rowindex="${row + 2}"] [role="gridcell"][aria-colindex="${colIndex}"]`
	);
}

async function activeCell(page: Page): Promise<string | null> {
	return page.evaluate(() => {
		const active = document.activeElement as HTMLElement | null;
		const cellElement = active?.closest<HTMLElement>('[role="gridcell"]');
		if (!cellElement) return null;
		const row = cellElement.closest('[role="row"]')!.getAttribute('aria-rowindex');
		return `${Number(row) - 2}:${cellElement.getAttribute('aria-colindex')}`;
	});
}

async function restRows(): Promise<Record<string, unknown>[]> {
	const page = await queryRecords({
		context,
		actor: owner,
		space: slug,
		type: 'guests',
		query: { sort: [{ field: 'no', direction: 'asc' }], limit: 1000 }
	});
	return page.records;
}

/** Selects a cell by keyboard: the far columns are only rendered once scrolled to. */
async function goTo(page: Page, row: number, column: string) {
	await cell(page, row, 'Name').click();
	await page.keyboard.press('End');
	for (let index = columns.length - 1; index > columns.indexOf(column); index--) {
		await page.keyboard.press('ArrowLeft');
	}
}

async function typeInto(page: Page, row: number, column: string, text: string) {
	await cell(page, row, column).click();
	await page.keyboard.type(text);
	await page.keyboard.press('Enter');
}

describe('two people on one sheet', () => {
	it('shows each edit, presence and selection to the other, live', async () => {
		const a = await openSheet('owner');
		const b = await openSheet('editor');

		// Presence: each sees the other in the header.
		await a.page.getByTestId('presence').getByRole('img', { name: people.editor.name }).waitFor();
		await b.page.getByTestId('presence').getByRole('img', { name: people.owner.name }).waitFor();

		// A types a cell; B sees it, briefly highlighted.
		await typeInto(a.page, 0, 'Name', 'Grace Hopper');
		await expect.poll(() => cell(b.page, 0, 'Name').textContent()).toContain('Grace Hopper');

		// Both edit different cells of one row at the same time; both values land everywhere.
		await cell(a.page, 1, 'Name').click();
		await cell(b.page, 1, 'Email').click();
		await a.page.keyboard.type('Alan Turing');
		await b.page.keyboard.type('alan@example.org');
		await Promise.all([a.page.keyboard.press('Enter'), b.page.keyboard.press('Enter')]);
		for (const page of [a.page, b.page]) {
			await expect.poll(() => cell(page, 1, 'Name').textContent()).toContain('Alan Turing');
			await expect.poll(() => cell(page, 1, 'Email').textContent()).toContain('alan@example.org');
		}
		await expect
			.poll(async () => (await restRows())[1])
			.toMatchObject({ name: 'Alan Turing', email: 'alan@example.org' });

		// B's selected cell is outlined on A's screen with B's name.
		await cell(b.page, 3, 'Score').click();
		await expect.poll(() => cell(a.page, 3, 'Score').textContent()).toContain(people.editor.name);
		await a.page.screenshot({ path: 'test-results/grid-collab.png' });

		// A is editing a cell when B changes it: A is offered theirs or mine.
		await cell(a.page, 4, 'Name').click();
		await a.page.keyboard.type('Mine');
		await typeInto(b.page, 4, 'Name', 'Theirs');
		const choice = a.page.getByRole('alert').filter({ hasText: 'while you were editing' });
		await choice.waitFor();
		await a.page.screenshot({ path: 'test-results/grid-conflict.png' });
		await choice.getByRole('button', { name: 'Keep mine' }).click();
		await a.page.keyboard.press('Enter');
		await expect.poll(() => cell(b.page, 4, 'Name').textContent()).toContain('Mine');

		await a.browserContext.close();
		await b.browserContext.close();
	});
});

describe('clipboard', () => {
	it('pastes a 3 x 20 block, adding rows, and marks the one bad cell', async () => {
		const { browserContext, page } = await openSheet('owner');
		const start = SEEDED - 10;
		const lines = Array.from({ length: 20 }, (_, index) => [
			`Pasted ${index + 1}`,
			`pasted${index + 1}@example.org`,
			index === 3 ? 'lots' : String(1000 + index)
		]);
		await cell(page, start, 'Name').click();
		await page.evaluate(
			(text) => {
				const data = new DataTransfer();
				data.setData('text/plain', text);
				document.activeElement!.dispatchEvent(
					new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true })
				);
			},
			lines.map((line) => line.join('\t')).join('\r\n') + '\r\n'
		);

		await expect.poll(() => page.getByTestId('row-count').textContent()).toContain('40 records');
		const badRow = start + 3;
		await expect.poll(() => cell(page, badRow, 'Score').getAttribute('aria-invalid')).toBe('true');
		// Besides the red corner, a notice lists every refused value, ready to read.
		const refused = page.getByRole('status').filter({ hasText: '1 pasted value was refused' });
		await refused.getByText('Show it').click();
		await expect.poll(() => refused.textContent()).toContain(`Row ${badRow + 1} · Score`);
		await cell(page, badRow, 'Score').click();
		await expect
			.poll(() => page.getByRole('alert').filter({ hasText: 'Expected a number' }).count())
			.toBe(1);
		await page.screenshot({ path: 'test-results/grid-paste.png' });

		await expect.poll(async () => (await restRows()).length).toBe(40);
		const rows = await restRows();
		for (const [index, [name, email, score]] of lines.entries()) {
			const row = rows[start + index]!;
			expect(row.name).toBe(name);
			expect(row.email).toBe(email);
			// The bad cell keeps what it had; its neighbours were written.
			if (index === 3) expect(row.score).toBe((start + 3) * 10);
			else expect(row.score).toBe(Number(score));
		}

		// Copy gives the range back as TSV.
		await cell(page, start, 'Name').click();
		await page.keyboard.down('Shift');
		await page.keyboard.press('ArrowRight');
		await page.keyboard.press('ArrowDown');
		await page.keyboard.up('Shift');
		const copied = await page.evaluate(() => {
			const data = new DataTransfer();
			document.activeElement!.dispatchEvent(
				new ClipboardEvent('copy', { clipboardData: data, bubbles: true, cancelable: true })
			);
			return data.getData('text/plain');
		});
		expect(copied).toBe('Pasted 1\tpasted1@example.org\nPasted 2\tpasted2@example.org');
		await browserContext.close();
	});

	it('undoes a paste as one step: the rows it added go and the cells it changed come back', async () => {
		const { browserContext, page } = await openSheet('owner');
		const before = await restRows();
		const last = before.length - 1;
		await cell(page, 0, 'Name').click();
		await page.keyboard.press('Control+ArrowDown');
		await expect.poll(() => activeCell(page)).toBe(`${last}:2`);
		await page.evaluate((text) => {
			const data = new DataTransfer();
			data.setData('text/plain', text);
			document.activeElement!.dispatchEvent(
				new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true })
			);
		}, 'Overwritten\nAdded one\nAdded two');
		await expect.poll(async () => (await restRows()).length).toBe(before.length + 2);
		await expect.poll(async () => (await restRows())[last]!.name).toBe('Overwritten');

		// Undo used to revert the edit and leave the added rows behind.
		await page.keyboard.press('Control+z');
		await expect.poll(async () => (await restRows()).length).toBe(before.length);
		await expect.poll(async () => (await restRows())[last]!.name).toBe(before[last]!.name);
		await expect
			.poll(() => page.getByTestId('row-count').textContent())
			.toContain(`${before.length} records`);

		// Redo adds them again (as new records) and redoes the edit; undo takes both back.
		await page.keyboard.press('Control+Shift+z');
		await expect.poll(async () => (await restRows()).length).toBe(before.length + 2);
		await expect.poll(async () => (await restRows())[last]!.name).toBe('Overwritten');
		expect((await restRows()).slice(-2).map((row) => row.name)).toEqual(['Added one', 'Added two']);
		await page.keyboard.press('Control+z');
		await expect.poll(async () => (await restRows()).length).toBe(before.length);
		await expect.poll(async () => (await restRows())[last]!.name).toBe(before[last]!.name);
		await browserContext.close();
	});
});

describe('editing', () => {
	it('refuses an invalid value with an inline error and sends nothing', async () => {
		const { browserContext, page } = await openSheet('owner');
		await typeInto(page, 5, 'Email', 'not an address');
		const error = page.getByRole('alert').filter({ hasText: 'Expected an email address' });
		await error.waitFor();
		await expect
			.poll(() => page.getByRole('textbox', { name: 'Email' }).getAttribute('aria-invalid'))
			.toBe('true');
		await page.screenshot({ path: 'test-results/grid-invalid.png' });
		await page.keyboard.press('Escape');
		await expect.poll(() => error.count()).toBe(0);
		expect(await cell(page, 5, 'Email').textContent()).toContain('guest6@example.org');
		expect((await restRows())[5]!.email).toBe('guest6@example.org');
		await browserContext.close();
	});

	it('moves, edits and cancels with the keyboard like a spreadsheet', async () => {
		const { browserContext, page } = await openSheet('owner');
		await cell(page, 2, 'Name').click();
		expect(await activeCell(page)).toBe('2:2');
		await page.keyboard.press('ArrowRight');
		expect(await activeCell(page)).toBe('2:3');
		await page.keyboard.press('ArrowDown');
		expect(await activeCell(page)).toBe('3:3');
		await page.keyboard.press('Tab');
		expect(await activeCell(page)).toBe('3:4');
		await page.keyboard.press('Shift+Tab');
		await page.keyboard.press('ArrowUp');
		expect(await activeCell(page)).toBe('2:3');

		// Enter edits; Esc leaves the value as it was.
		await page.keyboard.press('Enter');
		const input = page.getByRole('textbox', { name: 'Email' });
		await input.fill('changed@example.org');
		await page.keyboard.press('Escape');
		expect(await input.count()).toBe(0);
		expect(await cell(page, 2, 'Email').textContent()).toContain('guest3@example.org');
		expect(await activeCell(page)).toBe('2:3');

		// Typing starts an edit; Enter saves and moves down.
		await page.keyboard.press('ArrowRight');
		await page.keyboard.type('7');
		await page.keyboard.press('Enter');
		expect(await activeCell(page)).toBe('3:4');
		await expect.poll(async () => (await restRows())[2]!.score).toBe(7);

		// Space toggles a checkbox; Delete clears a cell. The cell is selected by its corner: a
		// click on the box in its middle toggles it too, and that save raced the read below.
		await cell(page, 2, 'VIP').click({ position: { x: 3, y: 3 } });
		const wasChecked = (await restRows())[2]!.vip;
		await page.keyboard.press(' ');
		await expect.poll(async () => (await restRows())[2]!.vip).toBe(!wasChecked);
		await cell(page, 2, 'Score').click();
		await page.keyboard.press('Delete');
		await expect.poll(async () => (await restRows())[2]!.score).toBeNull();
		await browserContext.close();
	});

	it('picks a select choice and a date, and shows the cell as saved', async () => {
		const { browserContext, page } = await openSheet('owner');
		await cell(page, 6, 'Status').dblclick();
		await page.getByRole('option', { name: 'Confirmed' }).click();
		await expect.poll(() => cell(page, 6, 'Status').textContent()).toContain('Confirmed');
		await expect.poll(async () => (await restRows())[6]!.status).toBe('Confirmed');

		await cell(page, 6, 'Arrives').dblclick();
		await page.getByRole('textbox', { name: 'Arrives' }).fill('14.08.2026');
		await page.screenshot({ path: 'test-results/grid-date-editor.png' });
		await page.keyboard.press('Enter');
		await expect.poll(async () => (await restRows())[6]!.arrives).toBe('2026-08-14');

		await cell(page, 6, 'Host').dblclick();
		await page.getByRole('combobox', { name: 'Host' }).fill('ben');
		await page.keyboard.press('Enter');
		await expect.poll(() => cell(page, 6, 'Host').textContent()).toContain(people.editor.name);
		await expect.poll(async () => (await restRows())[6]!.host).toBe(users.editor.id);
		await browserContext.close();
	});

	it('ranks a select option that starts with the typed text first, and keeps multiple picks however the editor is left', async () => {
		const { browserContext, page } = await openSheet('owner');
		// "Do" then Enter is "Done", not "To do" (which only contains "do").
		await goTo(page, 11, 'Task');
		await page.keyboard.press('Enter');
		await page.getByRole('combobox', { name: 'Task' }).fill('Do');
		await page.keyboard.press('Enter');
		await expect.poll(async () => (await restRows())[11]!.task).toBe('Done');

		// Two picks, then a click on another cell: the picks are saved, not thrown away.
		await goTo(page, 11, 'Needs');
		await page.keyboard.press('Enter');
		await page.getByRole('option', { name: 'Parking' }).click();
		await page.getByRole('option', { name: 'Vegan' }).click();
		await page.screenshot({ path: 'test-results/grid-multi-select-editor.png' });
		await cell(page, 12, 'Name').click();
		await expect.poll(async () => (await restRows())[11]!.needs).toEqual(['Parking', 'Vegan']);

		// Typed text and Enter picks the best match; Enter on the empty box saves.
		await goTo(page, 12, 'Needs');
		await page.keyboard.press('Enter');
		await page.getByRole('combobox', { name: 'Needs' }).fill('whe');
		await page.keyboard.press('Enter');
		await page.keyboard.press('Enter');
		await expect.poll(async () => (await restRows())[12]!.needs).toEqual(['Wheelchair']);

		// Tab saves too; Esc drops the picks.
		await page.keyboard.press('Escape');
		await goTo(page, 13, 'Needs');
		await page.keyboard.press('Enter');
		await page.getByRole('option', { name: 'Vegan' }).click();
		await page.keyboard.press('Tab');
		await expect.poll(async () => (await restRows())[13]!.needs).toEqual(['Vegan']);
		await goTo(page, 14, 'Needs');
		await page.keyboard.press('Enter');
		await page.getByRole('option', { name: 'Parking' }).click();
		await page.keyboard.press('Escape');
		await cell(page, 15, 'Name').click();
		await page.waitForTimeout(500);
		expect((await restRows())[14]!.needs).toBeNull();
		await browserContext.close();
	});

	it('links a record through the picker and uploads a photo straight to storage', async () => {
		const { browserContext, page } = await openSheet('owner');
		await goTo(page, 9, 'Table');
		await page.keyboard.press('Enter');
		await page.getByRole('combobox', { name: 'Table: search Tables' }).fill('Table 2');
		await page.getByRole('option', { name: 'Table 2' }).click();
		await expect.poll(() => cell(page, 9, 'Table').textContent()).toContain('Table 2');
		await expect.poll(async () => (await restRows())[9]!.table).toEqual([tableIds[1]]);

		await page.keyboard.press('ArrowRight');
		await page.keyboard.press('Enter');
		await page
			.getByLabel('Choose files to upload')
			.setInputFiles({ name: 'badge.png', mimeType: 'image/png', buffer: PNG });
		await page.getByRole('link', { name: 'badge.png' }).waitFor();
		await page.screenshot({ path: 'test-results/grid-attachment-editor.png' });
		await page.getByRole('button', { name: 'Done' }).click();
		const thumbnail = cell(page, 9, 'Photo').getByRole('img', { name: 'badge.png' });
		await expect
			.poll(() => thumbnail.evaluate((image: HTMLImageElement) => image.naturalWidth))
			.toBe(2);
		const photo = (await restRows())[9]!.photo as { name: string; contentType: string }[];
		expect(photo).toMatchObject([{ name: 'badge.png', contentType: 'image/png' }]);
		await browserContext.close();
	});

	it("undoes and redoes the user's own edits", async () => {
		const { browserContext, page } = await openSheet('owner');
		const before = (await restRows())[7]!.name;
		await typeInto(page, 7, 'Name', 'Undo me');
		await expect.poll(async () => (await restRows())[7]!.name).toBe('Undo me');
		await page.keyboard.press('Control+z');
		await expect.poll(() => cell(page, 7, 'Name').textContent()).toContain(String(before));
		await expect.poll(async () => (await restRows())[7]!.name).toBe(before);
		await page.keyboard.press('Control+Shift+z');
		await expect.poll(async () => (await restRows())[7]!.name).toBe('Undo me');
		await browserContext.close();
	});
});

describe('roles and rows', () => {
	it('shows a viewer everything but offers no way to change it', async () => {
		const { browserContext, page } = await openSheet('viewer');
		expect(await page.getByRole('grid').getAttribute('aria-readonly')).toBe('true');
		expect(await page.getByRole('button', { name: 'Add record' }).count()).toBe(0);
		await cell(page, 0, 'Name').dblclick();
		await page.keyboard.type('x');
		await page.keyboard.press('Enter');
		expect(await page.getByRole('textbox', { name: 'Name' }).count()).toBe(0);
		await cell(page, 0, 'VIP').click();
		await page.keyboard.press(' ');
		await page.keyboard.press('Delete');
		expect(await page.getByText('Read only').count()).toBe(1);
		await page.screenshot({ path: 'test-results/grid-viewer.png' });
		const rows = await restRows();
		expect(rows[0]!.name).toBe('Grace Hopper');
		await browserContext.close();
	});

	it('adds a record and deletes selected records after confirming', async () => {
		const { browserContext, page } = await openSheet('editor');
		const count = (await restRows()).length;
		await page.getByRole('button', { name: 'Add record' }).click();
		await page.getByRole('dialog').getByLabel('Name').fill('Brand New');
		await page.getByRole('dialog').getByRole('button', { name: 'Add record' }).click();
		await expect.poll(async () => (await restRows()).length).toBe(count + 1);
		// The new record is where the unsorted view puts it (last: the order they were added),
		// scrolled into view, selected, and its first cell has the keyboard.
		await expect.poll(() => activeCell(page)).toBe(`${count}:2`);
		await expect.poll(() => cell(page, count, 'Name').textContent()).toContain('Brand New');
		const unsorted = await queryRecords({
			context,
			actor: owner,
			space: slug,
			type: 'guests',
			query: { limit: 1000 }
		});
		expect(unsorted.records.at(-1)!.name).toBe('Brand New');

		await page.getByRole('grid').evaluate((grid) => (grid.scrollTop = 0));
		for (const row of [1, 2]) {
			await page.locator(`[role="row"][aria-rowindex="${row + 1}"]`).hover();
			await page.getByRole('checkbox', { name: `Select row ${row}`, exact: true }).check();
		}
		await page.getByRole('button', { name: 'Delete 2 records' }).click();
		const dialog = page.getByRole('dialog', { name: 'Delete 2 records?' });
		await dialog.waitFor();
		await page.screenshot({ path: 'test-results/grid-delete.png' });
		await dialog.getByRole('button', { name: 'Delete' }).click();
		await expect.poll(async () => (await restRows()).length).toBe(count - 1);
		await expect
			.poll(() => page.getByTestId('row-count').textContent())
			.toContain(`${count - 1} records`);
		await browserContext.close();
	});

	it('keeps working over HTTP when the socket is blocked, and says so', async () => {
		const browserContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
		await browserContext.route('**/socket.io/**', (route) => route.abort());
		const page = await browserContext.newPage();
		await signIn(page, server, { email: people.owner.email, password });
		await page.goto(`${server.url}/s/${slug}/t/guests`);
		await page
			.getByText('Live updates over HTTP (socket unavailable)')
			.waitFor({ timeout: 20_000 });
		await typeInto(page, 8, 'Score', '4242');
		await expect.poll(async () => (await restRows())[8]!.score).toBe(4242);
		await browserContext.close();
	});
});

describe('looks', () => {
	it('reads as a calm spreadsheet in light and dark', async () => {
		const light = await openSheet('owner');
		await light.page.screenshot({ path: 'test-results/grid-light.png' });
		await light.browserContext.close();
		const dark = await openSheet('owner', { colorScheme: 'dark' });
		await cell(dark.page, 2, 'Score').click();
		await dark.page.screenshot({ path: 'test-results/grid-dark.png' });
		await dark.browserContext.close();
		const phone = await openSheet('owner', { width: 375 });
		await phone.page.screenshot({ path: 'test-results/grid-phone.png' });
		await phone.browserContext.close();
		expect(consoleErrors).toEqual([]);
	});
});
