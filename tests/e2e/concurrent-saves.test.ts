// Two people save one cell at the same moment (issue 14, fault 4): neither had seen the other's
// value, and the doc keeps one of the two. Both are offered "theirs / mine", as when an edit
// arrives during editing, and what they choose is what every screen and the database end with.
// The editor's socket holds its messages back for a moment, so its save crosses the owner's
// whatever the machine's timing.
import type { Browser, BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Actor } from '$lib/server/auth/actor';
import type { AppContext } from '$lib/server/context';
import { addAttribute } from '$lib/server/services/attributes';
import { createEntityType } from '$lib/server/services/entity-types';
import { createRecords, queryRecords } from '$lib/server/services/records';
import { bootTestApp } from '../support/app';
import { launchBrowser } from '../support/browser';
import { createSpaceWithMembers, signIn, signUpPeople, stopSuite } from '../support/e2e';
import { startAppServer, type AppServer } from '../support/server';

vi.setConfig({ testTimeout: 120_000 });

let context: AppContext;
let server: AppServer;
let browser: Browser;
let owner: Actor;
let slug: string;

const run = Date.now().toString(36);
const password = 'clash-e2e-password';
const people = {
	owner: { name: 'Olga Owner', email: `olga.${run}@example.test` },
	editor: { name: 'Eddie Editor', email: `eddie.${run}@example.test` }
};

beforeAll(async () => {
	context = await bootTestApp();
	const users = await signUpPeople(context, people, password);
	owner = users.owner.actor;
	const space = await createSpaceWithMembers(
		context,
		users.owner,
		{ name: 'Clash Fest', slug: `clash-${run}` },
		[[users.editor, 'editor']]
	);
	slug = space.slug;
	const scope = { context, actor: owner, space: slug };
	await createEntityType({ ...scope, input: { name: 'Vendors', key: 'vendors' } });
	await addAttribute({
		...scope,
		type: 'vendors',
		input: { name: 'Name', key: 'name', kind: 'text' }
	});
	await createRecords({
		...scope,
		type: 'vendors',
		values: [{ name: 'Bakery' }, { name: 'Florist' }]
	});
	server = await startAppServer();
	browser = await launchBrowser();
}, 180_000);

afterAll(() => stopSuite({ browser, server }));

/** The socket of a page, with a switch that holds what the page sends until released. */
interface HeldSocket {
	isUpgraded: boolean;
	hold(): void;
	release(): void;
}

async function openSheet(
	person: keyof typeof people,
	held?: HeldSocket
): Promise<{ browserContext: BrowserContext; page: Page }> {
	const browserContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
	const page = await browserContext.newPage();
	if (held) {
		let holding = false;
		const queue: (string | Buffer)[] = [];
		let toServer: WebSocketRoute | null = null;
		await page.routeWebSocket(/\/socket\.io\//, (socket) => {
			const upstream = socket.connectToServer();
			toServer = upstream;
			socket.onMessage((message) => {
				// Engine.io's "5" ends the upgrade from polling: from then on everything is here.
				if (message === '5') held.isUpgraded = true;
				if (holding) queue.push(message);
				else upstream.send(message);
			});
		});
		held.hold = () => (holding = true);
		held.release = () => {
			holding = false;
			for (const message of queue.splice(0)) toServer?.send(message);
		};
	}
	await signIn(page, server, { email: people[person].email, password });
	await page.goto(`${server.url}/s/${slug}/t/vendors`);
	await page.locator('[data-live-mode="socket"]').waitFor();
	return { browserContext, page };
}

const nameCell = (page: Page, row: number) =>
	page.locator(`[role="row"][aria-rowindex="${row + 2}"] [role="gridcell"][aria-colindex="2"]`);

/** The "theirs / mine" prompt of a page. */
const choice = (page: Page) =>
	page.getByRole('alert').filter({ has: page.getByRole('button', { name: 'Take theirs' }) });

async function storedName(row: number): Promise<unknown> {
	const page = await queryRecords({
		context,
		actor: owner,
		space: slug,
		type: 'vendors',
		query: { limit: 10 }
	});
	return page.records[row]?.name;
}

describe('two saves of one cell at the same moment', () => {
	it('offers both people theirs or mine, and both screens end with the choice', async () => {
		const held: HeldSocket = { isUpgraded: false, hold: () => {}, release: () => {} };
		const a = await openSheet('owner');
		const b = await openSheet('editor', held);
		await expect.poll(() => held.isUpgraded, { timeout: 15_000 }).toBe(true);

		await nameCell(a.page, 0).click();
		await a.page.keyboard.type('Bakery Olga');
		await nameCell(b.page, 0).click();
		await b.page.keyboard.type('Bakery Eddie');
		// The selection rests, so each page has the record's doc open before saving.
		await a.page.waitForTimeout(1_500);

		// Eddie saves first, but his save is still on its way when Olga's lands.
		held.hold();
		await b.page.keyboard.press('Enter');
		await a.page.keyboard.press('Enter');
		await expect.poll(() => storedName(0), { timeout: 15_000 }).toBe('Bakery Olga');

		// Olga's save reaches Eddie after his own: he is asked, with his value as the draft.
		const eddieChoice = choice(b.page);
		await eddieChoice.waitFor({ timeout: 10_000 });
		await expect.poll(() => eddieChoice.textContent()).toContain('at the same moment');
		await expect.poll(() => eddieChoice.textContent()).toContain('Olga Owner');
		await expect.poll(() => eddieChoice.textContent()).toContain('Bakery Olga');
		await expect
			.poll(() => b.page.getByRole('textbox', { name: 'Name' }).inputValue())
			.toBe('Bakery Eddie');

		// His save arrives: Olga is asked too.
		held.release();
		const olgaChoice = choice(a.page);
		await olgaChoice.waitFor({ timeout: 10_000 });
		await expect.poll(() => olgaChoice.textContent()).toContain('Eddie Editor');
		await expect.poll(() => olgaChoice.textContent()).toContain('Bakery Eddie');
		await a.page.screenshot({ path: '/work/shots/trust/concurrent-save-prompt-1440-light.png' });

		// Olga takes his; Eddie keeps his: everyone ends with Eddie's value.
		await olgaChoice.getByRole('button', { name: 'Take theirs' }).click();
		await eddieChoice.getByRole('button', { name: 'Keep mine' }).click();
		await b.page.keyboard.press('Enter');
		for (const page of [a.page, b.page]) {
			await expect.poll(() => nameCell(page, 0).textContent()).toContain('Bakery Eddie');
		}
		await expect.poll(() => storedName(0)).toBe('Bakery Eddie');
		await a.browserContext.close();
		await b.browserContext.close();
	});
});
