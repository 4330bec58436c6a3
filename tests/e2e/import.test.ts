// The import wizard in a real browser against the built server, with jobs running in its
// process: a CSV goes to storage, the mapping is shown with guessed kinds, the progress and the
// report follow, and a grid open in another tab gets the rows without a reload. Screenshots of
// each step at 1440 and 375 px, light and dark, go to test-results/ to be looked at.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AppContext } from '$lib/server/context';
import { addAttribute } from '$lib/server/services/attributes';
import { createEntityType } from '$lib/server/services/entity-types';
import { createSpace } from '$lib/server/services/spaces';
import { bootTestApp } from '../support/app';
import { launchBrowser } from '../support/browser';
import {
	collectErrors,
	openSignedIn,
	signUpPerson,
	stopSuite,
	type SessionState
} from '../support/e2e';
import { startAppServer, type AppServer } from '../support/server';

let context: AppContext;
let server: AppServer;
let browser: Browser;
let slug: string;
const run = Date.now().toString(36);
const person = {
	name: 'Ida Importer',
	email: `ida.${run}@example.test`,
	password: 'import-e2e-pw'
};
const contexts: BrowserContext[] = [];
const consoleErrors: string[] = [];
// Five engineers share this machine's two cores: the job and the live grid get time to follow.
const patient = { timeout: 40_000 };
vi.setConfig({ testTimeout: 120_000 });
const shots = path.join('test-results', 'import');

beforeAll(async () => {
	context = await bootTestApp();
	const { actor } = await signUpPerson(context, person);
	const space = await createSpace({
		context,
		actor,
		input: { name: 'Harbour Gala', slug: `harbour-${run}` }
	});
	slug = space.slug;
	await createEntityType({ context, actor, space: slug, input: { name: 'Guests' } });
	for (const input of [
		{ name: 'Name', kind: 'text' },
		{ name: 'Email', kind: 'email' }
	])
		await addAttribute({ context, actor, space: slug, type: 'guests', input });
	server = await startAppServer();
	browser = await launchBrowser();
	mkdirSync(shots, { recursive: true });
}, 180_000);

afterAll(() => stopSuite({ contexts, browser, server }));

/** Signed in through the form once; later pages reuse the session. */
const sessions = new Map<string, SessionState>();

async function signedIn(
	options: { width?: number; colorScheme?: 'light' | 'dark' } = {}
): Promise<Page> {
	const { page } = await openSignedIn(browser, server, person, {
		width: options.width ?? 1440,
		height: 900,
		colorScheme: options.colorScheme,
		contexts,
		sessions,
		watch: (page) => collectErrors(page, consoleErrors, { uncaughtOnly: true }),
		timeout: patient.timeout
	});
	return page;
}

const guestsCsv = [
	'Name,Email,Ticket,Seats',
	'Ada Lovelace,ada@example.com,VIP,2',
	'Grace Hopper,grace@example.com,Standard,1',
	'Alan Turing,not-an-email,Standard,1',
	'Katherine Johnson,katherine@example.com,VIP,3',
	'Margaret Hamilton,margaret@example.com,Standard,2'
].join('\n');

describe('the import wizard', () => {
	it('takes a CSV to a live sheet: preview, mapping, progress, report', async () => {
		const grid = await signedIn();
		await grid.goto(`${server.url}/s/${slug}/t/guests`);
		await grid.getByRole('grid').waitFor(patient);

		const page = await signedIn();
		// The file input listens only once the page has hydrated.
		await page.goto(`${server.url}/s/${slug}/t/guests/import`, { waitUntil: 'networkidle' });
		await page.getByText('Drop a CSV or Excel file here').waitFor(patient);
		await page.screenshot({ path: path.join(shots, 'pick-1440-light.png') });
		await page.locator('input[type=file]').setInputFiles({
			name: 'guests.csv',
			mimeType: 'text/csv',
			buffer: Buffer.from(guestsCsv)
		});
		const table = page.getByRole('list', { name: 'Columns' });
		await table.waitFor(patient);
		// Existing fields are matched by name; the others become new fields of a guessed kind.
		await expect.poll(() => table.getByRole('listitem').count(), patient).toBe(4);
		await page.screenshot({ path: path.join(shots, 'map-1440-light.png'), fullPage: true });
		const targets = await table.getByRole('combobox').allInnerTexts();
		expect(targets.map((text) => text.trim())).toEqual([
			'Name (Text)',
			'Email (Email)',
			'New field',
			'Single select',
			'New field',
			'Number'
		]);

		await page.getByRole('button', { name: 'Import rows' }).click();
		await page.getByText('Import finished').waitFor(patient);
		const report = await page.locator('dl').innerText();
		expect(report).toMatch(/added\s+4/i);
		expect(report).toMatch(/refused\s+1/i);
		await page.screenshot({ path: path.join(shots, 'report-1440-light.png'), fullPage: true });

		// The refused row downloads with its reason.
		const download = await page.request.get(
			server.url +
				(await page
					.getByRole('link', { name: /Refused rows/ })
					.getAttribute('href')
					.then(String))
		);
		expect(await download.text()).toMatch(/Alan Turing,not-an-email/);

		// The grid that was open all along shows the imported rows without a reload.
		await grid.getByText('Katherine Johnson').waitFor(patient);

		// Undo takes them out again.
		await page.getByRole('button', { name: 'Undo this import' }).click();
		await page.getByText('Import undone').waitFor(patient);
		await expect.poll(() => grid.getByText('Katherine Johnson').count(), patient).toBe(0);
		expect(consoleErrors).toEqual([]);
	});

	it('says what is wrong with a file it cannot read, and looks right on a phone and in the dark', async () => {
		for (const [width, scheme] of [
			[375, 'light'],
			[375, 'dark'],
			[1440, 'dark']
		] as const) {
			const page = await signedIn({ width, colorScheme: scheme });
			// The file input listens only once the page has hydrated.
			await page.goto(`${server.url}/s/${slug}/t/guests/import`, { waitUntil: 'networkidle' });
			await page.getByText('Drop a CSV or Excel file here').waitFor(patient);
			await page.locator('input[type=file]').setInputFiles({
				name: 'guests.csv',
				mimeType: 'text/csv',
				buffer: Buffer.from(guestsCsv)
			});
			await page.getByRole('list', { name: 'Columns' }).waitFor(patient);
			await page.screenshot({
				path: path.join(shots, `map-${width}-${scheme}.png`),
				fullPage: true
			});
			await page.getByRole('link', { name: 'Cancel' }).click();
			await page.waitForURL((url) => url.pathname === `/s/${slug}/t/guests`, patient);
			// The file input listens only once the page has hydrated.
			await page.goto(`${server.url}/s/${slug}/t/guests/import`, { waitUntil: 'networkidle' });
			await page.locator('input[type=file]').setInputFiles({
				name: 'photo.csv',
				mimeType: 'text/csv',
				buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0, 0x0d, 0x0a])
			});
			await page
				.getByRole('alert')
				.getByText(/neither CSV nor XLSX/)
				.waitFor(patient);
			await page.screenshot({ path: path.join(shots, `error-${width}-${scheme}.png`) });
		}
	});
});
