// A space's locale (issue 14, fault 8): its owner sets en-GB on the overview; then 10/07/2026
// typed in a date cell is read as 10 July (said back before it is saved), the picker's weeks
// start on Monday, and dates show the British way. Screenshots of the setting and the editor
// at 1440 and 375 px, light and dark, go to /work/shots/trust.
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Actor } from '$lib/server/auth/actor';
import type { AppContext } from '$lib/server/context';
import { addAttribute } from '$lib/server/services/attributes';
import { createEntityType } from '$lib/server/services/entity-types';
import { createRecords, queryRecords } from '$lib/server/services/records';
import { createSpace } from '$lib/server/services/spaces';
import { bootTestApp } from '../support/app';
import { launchBrowser } from '../support/browser';
import { openSignedIn, signUpPerson, stopSuite } from '../support/e2e';
import { startAppServer, type AppServer } from '../support/server';

vi.setConfig({ testTimeout: 150_000 });

const SHOTS = process.env.SHOTS_DIR ?? '/work/shots/trust';
let context: AppContext;
let server: AppServer;
let browser: Browser;
let owner: Actor;
let slug: string;
const run = Date.now().toString(36);
const person = { name: 'Liz Locale', email: `liz.${run}@example.test`, password: 'locale-e2e-pw' };

beforeAll(async () => {
	context = await bootTestApp();
	owner = (await signUpPerson(context, person)).actor;
	slug = (
		await createSpace({ context, actor: owner, input: { name: 'Euro Fest', slug: `euro-${run}` } })
	).slug;
	const scope = { context, actor: owner, space: slug };
	await createEntityType({ ...scope, input: { name: 'Guests', key: 'guests' } });
	for (const input of [
		{ name: 'Name', key: 'name', kind: 'text' },
		{ name: 'Arrives', key: 'arrives', kind: 'date' }
	]) {
		await addAttribute({ ...scope, type: 'guests', input });
	}
	await createRecords({
		...scope,
		type: 'guests',
		values: [
			{ name: 'Anna', arrives: '2026-07-03' },
			{ name: 'Bert', arrives: null }
		]
	});
	server = await startAppServer();
	browser = await launchBrowser();
	mkdirSync(SHOTS, { recursive: true });
}, 180_000);

afterAll(() => stopSuite({ browser, server }));

async function signedIn(width: number, colorScheme: 'light' | 'dark'): Promise<Page> {
	const { page } = await openSignedIn(browser, server, person, { width, colorScheme });
	return page;
}

const dateCell = (page: Page, row: number) =>
	page.locator(`[role="row"][aria-rowindex="${row + 2}"] [role="gridcell"][aria-colindex="3"]`);

async function storedArrival(row: number): Promise<unknown> {
	const page = await queryRecords({
		context,
		actor: owner,
		space: slug,
		type: 'guests',
		query: { limit: 10 }
	});
	return page.records[row]?.arrives;
}

/** Opens the date editor on the second guest and types an ambiguous date. */
async function typeAmbiguousDate(page: Page) {
	await page.goto(`${server.url}/s/${slug}/t/guests`);
	await page.locator('[data-live-mode="socket"]').waitFor();
	await dateCell(page, 1).dblclick();
	await page.getByRole('textbox', { name: 'Arrives' }).fill('10/07/2026');
}

describe('a space in en-GB', () => {
	it('reads 10/07/2026 as 10 July, says so before saving, and starts weeks on Monday', async () => {
		const page = await signedIn(1440, 'light');
		await page.goto(`${server.url}/s/${slug}`);
		const settings = page.getByRole('region', { name: 'Dates and numbers' });
		await settings.getByRole('combobox', { name: 'Locale' }).click();
		await page.getByRole('option', { name: 'British English (en-GB)' }).click();
		await settings.getByRole('button', { name: 'Save' }).click();
		await settings.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
		await expect
			.poll(() => settings.getByTestId('locale-examples').textContent())
			.toContain('10 July 2026');
		await page.screenshot({ path: `${SHOTS}/locale-setting-1440-light.png` });

		await typeAmbiguousDate(page);
		const reading = page.getByTestId('date-reading');
		await expect.poll(() => reading.textContent()).toContain('10 July 2026');
		// The picker's first column is Monday.
		const firstDay = page.locator('[data-editor] thead th').first();
		await expect.poll(() => firstDay.textContent()).toBe('Mo');
		await page.screenshot({ path: `${SHOTS}/date-editor-1440-light.png` });
		await page.keyboard.press('Enter');
		await expect.poll(() => storedArrival(1)).toBe('2026-07-10');
		// Shown the British way, month in words.
		await expect.poll(() => dateCell(page, 1).textContent()).toContain('10 Jul 2026');
		await expect.poll(() => dateCell(page, 0).textContent()).toContain('3 Jul 2026');
		await page.context().close();
	});

	it.each([
		{ width: 1440, scheme: 'dark' as const },
		{ width: 375, scheme: 'light' as const },
		{ width: 375, scheme: 'dark' as const }
	])('looks right at $width px, $scheme', async ({ width, scheme }) => {
		const page = await signedIn(width, scheme);
		await page.goto(`${server.url}/s/${slug}`);
		const settings = page.getByRole('region', { name: 'Dates and numbers' });
		await settings.scrollIntoViewIfNeeded();
		await page.screenshot({ path: `${SHOTS}/locale-setting-${width}-${scheme}.png` });
		await typeAmbiguousDate(page);
		await page.getByTestId('date-reading').waitFor();
		await page.screenshot({ path: `${SHOTS}/date-editor-${width}-${scheme}.png` });
		await page.keyboard.press('Escape');
		await page.context().close();
	});
});
