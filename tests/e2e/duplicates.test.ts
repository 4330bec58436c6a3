// The review queue in a real browser against the built server: clusters of likely duplicates
// side by side, "n" remembers "not duplicates" and brings up the next cluster, the rules page
// previews what its rules find, and the record page says "possible duplicate of …". Screenshots
// at 1440 and 375 px, light and dark, go to SHOTS_DIR (test-results/duplicates by default).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AppContext } from '$lib/server/context';
import { addAttribute } from '$lib/server/services/attributes';
import { createEntityType } from '$lib/server/services/entity-types';
import { createRecords } from '$lib/server/services/records';
import { createSpace } from '$lib/server/services/spaces';
import { audit } from '../support/axe';
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
const ids: string[] = [];
const run = Date.now().toString(36);
const person = {
	name: 'Dora Dedupe',
	email: `dora.${run}@example.test`,
	password: 'dedupe-e2e-pw'
};
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];
const patient = { timeout: 40_000 };
vi.setConfig({ testTimeout: 120_000 });
const shots = process.env.SHOTS_DIR ?? path.join('test-results', 'duplicates');

beforeAll(async () => {
	context = await bootTestApp();
	const { actor } = await signUpPerson(context, person);
	const space = await createSpace({
		context,
		actor,
		input: { name: 'Harbour Gala', slug: `dedupe-${run}` }
	});
	slug = space.slug;
	await createEntityType({ context, actor, space: slug, input: { name: 'Customers' } });
	for (const input of [
		{ name: 'Name', kind: 'text' },
		{ name: 'Email', kind: 'email' },
		{ name: 'Phone', kind: 'phone' },
		{ name: 'Company', kind: 'text' }
	])
		await addAttribute({ context, actor, space: slug, type: 'customers', input });
	const { created } = await createRecords({
		context,
		actor,
		space: slug,
		type: 'customers',
		values: [
			{
				name: 'Ada Lovelace',
				email: 'ada.lovelace@example.org',
				phone: '(202) 555-0143',
				company: 'Analytical Engines'
			},
			{
				name: 'Lovelace, Ada',
				email: 'ADA.LOVELACE@example.org',
				company: 'Analytical Engines Ltd'
			},
			{ name: 'Grace Hopper', email: 'grace.hopper@navy.example', phone: '(202) 555-0199' },
			{
				name: 'Grace Hoper',
				email: 'gracehopper@navy.example',
				phone: '+1 202 555 0199',
				company: 'US Navy'
			},
			{ name: 'Bob Kahn', email: 'bob@cnri.example', phone: '202.555.0110', company: 'CNRI' },
			{
				name: 'Robert Kahn',
				email: 'robert.kahn@darpa.example',
				phone: '+1 (202) 555-0110',
				company: 'DARPA'
			}
		]
	});
	ids.push(...created.map((record) => record.id));
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
		watch: (page) => collectErrors(page, pageErrors, { uncaughtOnly: true }),
		timeout: patient.timeout
	});
	return page;
}

const selected = (page: Page) => page.locator('article[aria-current="true"]');

describe('the review queue', () => {
	it('shows clusters side by side, and "n" remembers "not duplicates" and selects the next', async () => {
		const page = await signedIn();
		await page.goto(`${server.url}/s/${slug}/t/customers`);
		await page.getByRole('link', { name: 'Duplicates' }).click();
		await page.waitForURL(/\/duplicates$/, patient);
		const cards = page.locator('article[data-cluster]');
		await expect.poll(() => cards.count(), patient).toBe(3);
		const first = await selected(page).getAttribute('data-cluster');
		expect(first).toBeTruthy();
		// The differing values are marked, and the merge link names both records.
		await expect.poll(() => selected(page).getByText('(differs)').count()).toBeGreaterThan(0);
		const merge = await selected(page).getByRole('link', { name: /Merge/ }).getAttribute('href');
		expect(merge).toMatch(new RegExp(`/s/${slug}/t/customers/merge\\?ids=[0-9a-f-]+,[0-9a-f-]+$`));
		expect(await audit(page)).toEqual([]);

		await page.keyboard.press('n');
		await expect.poll(() => cards.count(), patient).toBe(2);
		const next = await selected(page).getAttribute('data-cluster');
		expect(next).not.toBe(first);
		await page.keyboard.press('j');
		await expect.poll(() => selected(page).getAttribute('data-cluster')).not.toBe(next);
		await page.keyboard.press('k');
		await expect.poll(() => selected(page).getAttribute('data-cluster')).toBe(next);

		// Remembered: a reload and a scan do not bring the pair back.
		await page.reload();
		await page.getByRole('button', { name: 'Scan now' }).click();
		await page.getByText(/Last scan: 6 records/).waitFor(patient);
		await expect.poll(() => cards.count(), patient).toBe(2);
		expect(
			await page.locator(`article[data-cluster="${first}"]`).count(),
			'the dismissed cluster stays dismissed'
		).toBe(0);
		expect(pageErrors).toEqual([]);
	});

	it('looks right at 1440 and 375 px, light and dark, with the rules page and the record banner', async () => {
		for (const width of [1440, 375]) {
			for (const colorScheme of ['light', 'dark'] as const) {
				const page = await signedIn({ width, colorScheme });
				await page.goto(`${server.url}/s/${slug}/t/customers/duplicates`);
				await page.locator('article[data-cluster]').first().waitFor(patient);
				await page.screenshot({
					path: path.join(shots, `queue-${width}-${colorScheme}.png`),
					fullPage: true
				});
				await page.goto(`${server.url}/s/${slug}/t/customers/duplicates/rules`);
				await page.getByText(/These rules find/).waitFor(patient);
				if (width === 1440 && colorScheme === 'light') expect(await audit(page)).toEqual([]);
				await page.screenshot({
					path: path.join(shots, `rules-${width}-${colorScheme}.png`),
					fullPage: true
				});
				await page.goto(`${server.url}/s/${slug}/t/customers/r/${ids[4]}`);
				await page.getByText(/Possible duplicate of/).waitFor(patient);
				await page.screenshot({
					path: path.join(shots, `record-${width}-${colorScheme}.png`)
				});
			}
		}
		expect(pageErrors).toEqual([]);
	});
});
