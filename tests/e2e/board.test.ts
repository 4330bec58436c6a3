// The kanban board and the field editor in a real browser. Two people on one board: a card one
// drags with the mouse moves on the other's screen; an order within a column survives a reload;
// a card moves from the keyboard; on a 375 px phone a long press drags a card to the next column
// while a quick swipe still scrolls; others' edits, deletes, moves and reorders land in place on
// an open board without it asking for the board again. Then the field editor: add, rename,
// change a kind with the preview listing the values that will not convert, and select choices
// with colours.
import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Actor } from '$lib/server/auth/actor';
import type { AppContext } from '$lib/server/context';
import { addAttribute } from '$lib/server/services/attributes';
import { createEntityType } from '$lib/server/services/entity-types';
import { readSchema } from '$lib/server/services/read-schema';
import { createRecords, deleteRecords, getRecord } from '$lib/server/services/records';
import { readBoard } from '$lib/server/services/records/board';
import { bootTestApp, type TestUser } from '../support/app';
import { launchBrowser } from '../support/browser';
import {
	collectErrors,
	createSpaceWithMembers,
	openSignedIn,
	signUpPeople,
	stopSuite,
	type SessionState
} from '../support/e2e';
import { startAppServer, type AppServer } from '../support/server';

let context: AppContext;
let server: AppServer;
let browser: Browser;

const run = Date.now().toString(36);
const password = 'board-e2e-password';
const people = {
	alice: { name: 'Alice Owner', email: `alice.${run}@example.test` },
	bob: { name: 'Bob Editor', email: `bob.${run}@example.test` },
	carol: { name: 'Carol Viewer', email: `carol.${run}@example.test` }
};
type Person = keyof typeof people;
let users: Record<Person, TestUser>;
const records: Record<string, string> = {};
let alice: Actor;
let slug: string;
const consoleErrors: string[] = [];
/** The machine may be busy: a user-visible change gets this long to show. */
const patient = { timeout: 15_000 };
// Each test signs in one or two people and drives several pages.
vi.setConfig({ testTimeout: 120_000 });
const contexts: BrowserContext[] = [];
const sessions = new Map<string, SessionState>();

beforeAll(async () => {
	context = await bootTestApp();
	users = await signUpPeople(context, people, password);
	alice = users.alice.actor;
	const space = await createSpaceWithMembers(
		context,
		users.alice,
		{ name: 'Riverside Fair', slug: `riverside-${run}` },
		[
			[users.bob, 'editor'],
			[users.carol, 'viewer']
		]
	);
	slug = space.slug;
	const scope = { context, actor: alice, space: slug };
	await createEntityType({ ...scope, input: { name: 'Tasks' } });
	for (const input of [
		{ name: 'Title', kind: 'text', isRequired: true },
		{
			name: 'Status',
			kind: 'single_select',
			options: {
				choices: [
					{ id: 'todo', name: 'To do', color: 'gray' },
					{ id: 'doing', name: 'Doing', color: 'blue' },
					{ id: 'done', name: 'Done', color: 'green' }
				]
			}
		},
		{ name: 'Assignee', kind: 'user' },
		{ name: 'Due', kind: 'date' },
		{ name: 'Notes', kind: 'text' }
	]) {
		await addAttribute({ ...scope, type: 'tasks', input });
	}
	const { created } = await createRecords({
		...scope,
		type: 'tasks',
		values: [
			{
				title: 'Write brief',
				status: 'To do',
				assignee: users.alice.id,
				due: '2026-06-01',
				notes: '12'
			},
			{ title: 'Book venue', status: 'To do', assignee: users.bob.id, notes: 'twelve' },
			{ title: 'Order badges', status: 'To do', notes: '7.5' },
			{ title: 'Hire crew', status: 'Doing', assignee: users.bob.id, notes: 'soon' },
			{ title: 'Print map', status: 'Done', due: '2026-06-20' }
		]
	});
	for (const record of created) records[record.title as string] = record.id;
	server = await startAppServer();
	browser = await launchBrowser();
	mkdirSync('test-results', { recursive: true });
}, 180_000);

afterAll(() => stopSuite({ contexts, browser, server }));

/** A page of its own for `person`, signed in once per person; `touch` makes it a phone. */
async function signedIn(
	person: Person,
	options: { width?: number; height?: number; colorScheme?: 'light' | 'dark'; touch?: boolean } = {}
): Promise<Page> {
	const { touch = false, ...size } = options;
	const { page } = await openSignedIn(
		browser,
		server,
		{ email: people[person].email, password },
		{
			...size,
			hasTouch: touch,
			isMobile: touch,
			contexts,
			sessions,
			watch: (page) => collectErrors(page, consoleErrors, { who: person })
		}
	);
	return page;
}

async function openBoard(page: Page, query = ''): Promise<void> {
	await page.goto(`${server.url}/s/${slug}/t/tasks/board${query}`);
	await page.getByRole('status').getByText('Live', { exact: true }).waitFor();
}

const column = (page: Page, name: string) =>
	page
		.locator('[data-board-column]')
		.filter({ has: page.getByRole('heading', { name, exact: true }) });
/** The number of cards a column's header counts. */
const countIn = (page: Page, name: string) =>
	column(page, name)
		.locator('header > span')
		.evaluate((element) => Number.parseInt(element.textContent ?? '', 10));
const card = (scope: Page | Locator, title: string) => scope.getByRole('button', { name: title });
const titlesIn = (page: Page, name: string) =>
	column(page, name)
		.locator('[data-card-id]')
		.evaluateAll((cards) =>
			cards.map((each) => each.querySelector('[data-card-title]')?.textContent?.trim() ?? null)
		);

/** The titles of a column as the server has them. */
async function storedTitles(value: string | null): Promise<string[]> {
	const board = await readBoard({ context, actor: alice, space: slug, type: 'tasks' });
	return board.columns
		.find((each) => each.value === value)!
		.cards.map((each) => each.record.title as string);
}

async function centre(locator: Locator): Promise<{ x: number; y: number }> {
	const box = (await locator.boundingBox())!;
	return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

async function mouseDrag(page: Page, from: Locator, to: { x: number; y: number }) {
	const start = await centre(from);
	await page.mouse.move(start.x, start.y);
	await page.mouse.down();
	await page.mouse.move(start.x + 10, start.y + 10, { steps: 3 });
	await page.mouse.move(to.x, to.y, { steps: 15 });
	await page.mouse.up();
}

describe('the board for two people', () => {
	it('moves a card A drags with the mouse on B’s screen too', async () => {
		const a = await signedIn('alice');
		const b = await signedIn('bob');
		await openBoard(a);
		await openBoard(b);
		expect(await titlesIn(b, 'To do')).toEqual(['Write brief', 'Book venue', 'Order badges']);
		// The count reads "3 cards" to a screen reader, not "3cards".
		expect(await column(b, 'To do').locator('header > span').textContent()).toMatch(
			/^\s*3\s+cards\s*$/
		);

		const doing = column(a, 'Doing');
		const below = (await doing.locator('[data-card-id]').last().boundingBox())!;
		await mouseDrag(a, card(a, 'Book venue'), { x: below.x + 40, y: below.y + below.height + 12 });

		await expect.poll(() => titlesIn(a, 'Doing'), patient).toEqual(['Hire crew', 'Book venue']);
		await expect.poll(() => storedTitles('Doing'), patient).toEqual(['Hire crew', 'Book venue']);
		// B did nothing: the card moved on B's board by itself.
		await expect.poll(() => titlesIn(b, 'Doing'), patient).toEqual(['Hire crew', 'Book venue']);
		expect(await titlesIn(b, 'To do')).toEqual(['Write brief', 'Order badges']);
		expect((await getRecord({ context, actor: alice, id: records['Book venue']! })).status).toBe(
			'Doing'
		);
		await a.screenshot({ path: 'test-results/board-desktop-light.png' });
	});

	it('keeps an order made within a column after a reload', async () => {
		const a = await signedIn('alice');
		await openBoard(a);
		const top = (await card(a, 'Write brief').boundingBox())!;
		await mouseDrag(a, card(a, 'Order badges'), { x: top.x + 40, y: top.y + 4 });
		await expect.poll(() => titlesIn(a, 'To do'), patient).toEqual(['Order badges', 'Write brief']);
		await expect
			.poll(() => storedTitles('To do'), patient)
			.toEqual(['Order badges', 'Write brief']);

		await a.reload();
		await a.getByRole('status').getByText('Live', { exact: true }).waitFor();
		expect(await titlesIn(a, 'To do')).toEqual(['Order badges', 'Write brief']);
	});

	it('moves a card from the keyboard and says where it went', async () => {
		const a = await signedIn('alice');
		await openBoard(a);
		await card(a, 'Print map').focus();
		await a.keyboard.press('Space');
		await a.getByText(/Picked up Print map/).waitFor();
		await a.keyboard.press('ArrowLeft');
		await a.keyboard.press('ArrowUp');
		await a.keyboard.press('Space');
		await a.getByText('Print map moved to Doing, position 1 of 3').waitFor();
		await expect
			.poll(() => storedTitles('Doing'))
			.toEqual(['Print map', 'Hire crew', 'Book venue']);
		await expect(
			card(column(a, 'Doing'), 'Print map').evaluate((el) => el === document.activeElement)
		).resolves.toBe(true);
	});

	it('shows only my tasks when asked', async () => {
		const b = await signedIn('bob');
		await openBoard(b);
		await b.getByRole('button', { name: 'My tasks' }).click();
		await expect.poll(() => b.locator('[data-card-id]').count(), patient).toBe(2);
		expect(new URL(b.url()).searchParams.get('assignee')).toBe('me');
		expect(await titlesIn(b, 'Doing')).toEqual(['Hire crew', 'Book venue']);
	});
});

describe('a viewer', () => {
	it('sees the board and the fields but cannot change them', async () => {
		const c = await signedIn('carol');
		await openBoard(c);
		await c.getByText('View only').waitFor();
		expect(await c.getByRole('button', { name: /^Add card/ }).count()).toBe(0);
		// Space on a card picks nothing up.
		await card(c, 'Write brief').focus();
		await c.keyboard.press('Space');
		expect(await c.getByText(/Picked up/).count()).toBe(0);

		await c.goto(`${server.url}/s/${slug}/t/tasks/fields`);
		await c.getByText('Your role (viewer) can see the fields').waitFor();
		expect(await c.getByRole('button', { name: 'Add field' }).count()).toBe(0);
		expect(await c.getByRole('button', { name: /^More actions/ }).count()).toBe(0);
	});
});

describe('saved board views', () => {
	it('keeps the fields cards show in a view shared with the space', async () => {
		const a = await signedIn('alice');
		await openBoard(a);
		await card(a, 'Write brief').getByText('Jun 1, 2026').waitFor();
		await a.getByRole('button', { name: /^Card fields/ }).click();
		await a.getByRole('checkbox', { name: 'Due' }).uncheck();
		await expect.poll(() => new URL(a.url()).searchParams.get('cards'), patient).toBe('assignee');
		expect(await card(a, 'Write brief').getByText('Jun 1, 2026').count()).toBe(0);
		await a.keyboard.press('Escape');

		await a.getByRole('button', { name: /^Saved views/ }).click();
		await a.getByRole('menuitem', { name: 'Save as new view…' }).click();
		await a.getByRole('dialog').getByLabel('View name').fill('Who does what');
		await a.getByRole('dialog').getByRole('button', { name: 'Save view' }).click();
		await expect.poll(() => new URL(a.url()).searchParams.get('view'), patient).toBeTruthy();
		expect(new URL(a.url()).searchParams.get('cards')).toBeNull();

		// Bob opens the view: no card shows a date, as saved.
		const b = await signedIn('bob');
		await openBoard(b, `?view=${new URL(a.url()).searchParams.get('view')}`);
		await card(b, 'Write brief').getByText('Alice Owner').waitFor();
		expect(await card(b, 'Write brief').getByText('Jun 1, 2026').count()).toBe(0);
		await b.getByRole('button', { name: 'Saved views: Who does what' }).waitFor();
	});
});

describe('the board on a phone', () => {
	it('drags a card to the next column after a long press, while a swipe scrolls', async () => {
		const phone = await signedIn('alice', { width: 375, height: 812, touch: true });
		await openBoard(phone);
		const cdp = await phone.context().newCDPSession(phone);
		const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', x = 0, y = 0) =>
			cdp.send('Input.dispatchTouchEvent', {
				type,
				touchPoints: type === 'touchEnd' ? [] : [{ x, y }]
			});
		const scroller = phone.getByRole('region', { name: 'Tasks by Status' });
		const scrollLeft = () => scroller.evaluate((element) => element.scrollLeft);

		await phone.screenshot({ path: 'test-results/board-phone-start.png' });

		// A quick swipe that starts on a card scrolls and moves nothing.
		const before = await scrollLeft();
		const brief = await centre(card(phone, 'Write brief'));
		await touch('touchStart', brief.x, brief.y);
		for (let step = 1; step <= 6; step++)
			await touch('touchMove', brief.x - step * 25, brief.y + step);
		await touch('touchEnd');
		await expect.poll(scrollLeft, patient).not.toBe(before);
		expect(await phone.locator('[data-drag-source]').count()).toBe(0);
		await expect
			.poll(() => storedTitles('To do'), patient)
			.toEqual(['Order badges', 'Write brief']);

		// Back to "To do", then a long press on a card starts a drag; holding it near the right
		// edge scrolls the board until "Doing" is under the finger.
		const leftOf = (name: string) =>
			column(phone, name).evaluate((element) => element.getBoundingClientRect().left);
		// The swipe's fling and snap first come to rest, or they would carry on past the scroll.
		const isAtRest = async () => {
			const left = await scrollLeft();
			await new Promise((resolve) => setTimeout(resolve, 150));
			return left === (await scrollLeft());
		};
		await expect.poll(isAtRest, patient).toBe(true);
		await column(phone, 'To do').evaluate((element) =>
			element.scrollIntoView({ inline: 'center', block: 'nearest' })
		);
		// Settled at the left edge: mid-scroll the column is still off screen (a negative left).
		await expect
			.poll(async () => {
				const left = await leftOf('To do');
				await new Promise((resolve) => setTimeout(resolve, 100));
				return left >= 0 && left < 40 && left === (await leftOf('To do'));
			}, patient)
			.toBe(true);
		const badges = await centre(card(phone, 'Order badges'));
		await touch('touchStart', badges.x, badges.y);
		await phone.locator('[data-drag-source]').waitFor();
		const y = badges.y + 30;
		for (let step = 1; step <= 8; step++) {
			await touch(
				'touchMove',
				badges.x + ((340 - badges.x) * step) / 8,
				badges.y + (30 * step) / 8
			);
		}
		await expect.poll(() => leftOf('Doing'), { interval: 40, timeout: 10_000 }).toBeLessThan(220);
		// Away from the edge the board stops; let go over "Doing".
		await touch('touchMove', Math.max(70, (await leftOf('Doing')) + 60), y);
		await expect
			.poll(() => column(phone, 'Doing').getAttribute('data-drop-target'), patient)
			.toBe('true');
		await phone.screenshot({ path: 'test-results/board-phone-dragging.png' });
		await touch('touchEnd');

		await expect.poll(() => storedTitles('To do'), patient).toEqual(['Write brief']);
		await expect
			.poll(async () => (await storedTitles('Doing')).includes('Order badges'))
			.toBe(true);
		await phone.screenshot({ path: 'test-results/board-phone-light.png' });
	});
});

/** Counts the page's requests for the board's data (the load `invalidate('app:board')` re-runs). */
function countBoardLoads(page: Page): { readonly count: number } {
	const counter = { count: 0 };
	page.on('request', (request) => {
		if (new URL(request.url()).pathname.endsWith('/board/__data.json')) counter.count++;
	});
	return counter;
}

/** Long enough for a reload the board would ask for (it waits 120 ms for a burst) to start. */
const settleTime = () => new Promise((resolve) => setTimeout(resolve, 1_500));

describe('live changes without reloading the board', () => {
	it('patches, moves and removes cards in place, without asking for the board again', async () => {
		const scope = { context, actor: alice, space: slug, type: 'tasks' };
		const { created } = await createRecords({
			...scope,
			values: [
				{ title: 'Sweep hall', status: 'To do', assignee: users.bob.id },
				{ title: 'Stack chairs', status: 'Done', assignee: users.bob.id },
				{ title: 'Fold flyers', status: 'Done', assignee: users.bob.id }
			]
		});
		const [sweep, stack, fold] = created.map((record) => record.id);
		const a = await signedIn('alice');
		const b = await signedIn('bob');
		const mine = await signedIn('bob');
		await openBoard(a);
		await openBoard(b);
		await openBoard(mine, '?assignee=me');
		const loads = { a: countBoardLoads(a), b: countBoardLoads(b), mine: countBoardLoads(mine) };

		// A's own move: shown at once, kept after the server agrees, and B sees it too.
		const done = column(a, 'Done');
		const below = (await done.locator('[data-card-id]').last().boundingBox())!;
		await mouseDrag(a, card(a, 'Sweep hall'), { x: below.x + 40, y: below.y + below.height + 12 });
		await expect.poll(async () => (await storedTitles('Done')).at(-1), patient).toBe('Sweep hall');
		await expect.poll(async () => (await titlesIn(b, 'Done')).at(-1), patient).toBe('Sweep hall');
		for (const colorScheme of ['light', 'dark'] as const) {
			await b.emulateMedia({ colorScheme });
			for (const width of [1440, 375]) {
				await b.setViewportSize({ width, height: width > 800 ? 900 : 812 });
				await column(b, 'Done').evaluate((element) =>
					element.scrollIntoView({ inline: 'center', block: 'nearest' })
				);
				// The colours change with a short transition.
				await new Promise((resolve) => setTimeout(resolve, 400));
				await b.screenshot({ path: `test-results/board-live-move-${width}-${colorScheme}.png` });
			}
		}
		await b.emulateMedia({ colorScheme: 'light' });
		await b.setViewportSize({ width: 1280, height: 800 });
		await settleTime();
		expect((await titlesIn(a, 'Done')).at(-1)).toBe('Sweep hall');
		expect(loads.a.count).toBe(0);

		// Someone else's edit, delete and reassignment (A's, through the API as the page would)
		// patch the one card on B's boards.
		const rest = (method: 'patch' | 'delete', id: string, data?: object) =>
			a.request[method](`${server.url}/api/spaces/${slug}/rest/tasks?id=eq.${id}`, { data });
		const before = { b: loads.b.count, mine: loads.mine.count };
		expect((await rest('patch', fold!, { due: '2026-07-04' })).ok()).toBe(true);
		await card(column(b, 'Done'), 'Fold flyers').getByText('Jul 4, 2026').waitFor(patient);
		expect((await rest('delete', stack!)).ok()).toBe(true);
		await expect.poll(() => titlesIn(b, 'Done'), patient).not.toContain('Stack chairs');
		await expect.poll(() => titlesIn(mine, 'Done'), patient).not.toContain('Stack chairs');
		expect((await rest('patch', sweep!, { assignee: users.alice.id })).ok()).toBe(true);
		await expect.poll(() => titlesIn(mine, 'Done'), patient).toEqual(['Fold flyers']);
		await card(column(b, 'Done'), 'Sweep hall').getByText('Alice Owner').waitFor(patient);
		await settleTime();
		expect(await titlesIn(b, 'Done')).toEqual(await storedTitles('Done'));
		expect(loads.b.count - before.b).toBe(0);
		expect(loads.mine.count - before.mine).toBe(0);
		await deleteRecords({ ...scope, ids: [sweep!, fold!] });
	});

	it('puts another person’s move and reorder in place, in order, on B’s board', async () => {
		const scope = { context, actor: alice, space: slug, type: 'tasks' };
		const { created } = await createRecords({
			...scope,
			values: ['Pack van', 'Load stage', 'Light lamps'].map((title) => ({ title, status: 'Done' }))
		});
		const [pack, , lamps] = created.map((record) => record.id);
		const brief = records['Write brief']!;
		const a = await signedIn('alice');
		const b = await signedIn('bob');
		await openBoard(b);
		const loads = countBoardLoads(b);
		const toDo = (await titlesIn(b, 'To do')).filter((title) => title !== 'Write brief');
		const done = await titlesIn(b, 'Done');
		expect(done.slice(-3)).toEqual(['Pack van', 'Load stage', 'Light lamps']);
		const earlier = done.slice(0, -3);

		// A moves through the app's move endpoint, as A's board would: into Done, after the first.
		const move = (id: string, input: object) =>
			a.request.post(`${server.url}/api/spaces/${slug}/types/tasks/records/${id}/move`, {
				data: input
			});
		expect((await move(brief, { status: 'Done', after: pack })).ok()).toBe(true);
		const moved = [...earlier, 'Pack van', 'Write brief', 'Load stage', 'Light lamps'];
		await expect.poll(() => titlesIn(b, 'Done'), patient).toEqual(moved);
		expect(await titlesIn(b, 'To do')).toEqual(toDo);
		expect(await countIn(b, 'Done')).toBe(moved.length);
		expect(await countIn(b, 'To do')).toBe(toDo.length);
		for (const colorScheme of ['light', 'dark'] as const) {
			await b.emulateMedia({ colorScheme });
			for (const width of [1440, 375]) {
				await b.setViewportSize({ width, height: width > 800 ? 900 : 812 });
				await column(b, 'Done').evaluate((element) =>
					element.scrollIntoView({ inline: 'center', block: 'nearest' })
				);
				await new Promise((resolve) => setTimeout(resolve, 400));
				await b.screenshot({
					path: `test-results/board-remote-move-${width}-${colorScheme}.png`
				});
			}
		}
		await b.emulateMedia({ colorScheme: 'light' });
		await b.setViewportSize({ width: 1280, height: 800 });

		// A reorders within the column: to the top.
		expect((await move(lamps!, { status: 'Done', before: pack })).ok()).toBe(true);
		const reordered = [...earlier, 'Light lamps', 'Pack van', 'Write brief', 'Load stage'];
		await expect.poll(() => titlesIn(b, 'Done'), patient).toEqual(reordered);
		await settleTime();
		expect(await storedTitles('Done')).toEqual(reordered);
		expect(await titlesIn(b, 'Done')).toEqual(reordered);
		expect(loads.count).toBe(0);

		expect((await move(brief, { status: 'To do' })).ok()).toBe(true);
		await deleteRecords({ ...scope, ids: created.map((record) => record.id) });
	});
});

/** Opens a page and waits until it is hydrated: a click before that would do nothing. */
async function openHydrated(page: Page, path: string): Promise<void> {
	await page.goto(`${server.url}${path}`);
	await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
}

describe('the field editor', () => {
	const fieldsPath = () => `/s/${slug}/t/tasks/fields`;
	const fieldList = (page: Page) => page.getByRole('list', { name: 'Fields of Tasks' });

	it('adds a field and renames one', async () => {
		const a = await signedIn('alice');
		await openHydrated(a, fieldsPath());
		await a.getByRole('button', { name: 'Add field' }).click();
		const dialog = a.getByRole('dialog');
		await dialog.getByLabel('Name').fill('Budget');
		await dialog.getByLabel('Type').click();
		await a.getByRole('option', { name: 'Currency' }).click();
		await dialog.getByLabel('Currency code').fill('GBP');
		await a.screenshot({ path: 'test-results/fields-add.png' });
		await dialog.getByRole('button', { name: 'Add field' }).click();
		await fieldList(a).getByText('Budget', { exact: true }).waitFor();
		const schema = await readSchema({ context, actor: alice, space: slug });
		const budget = schema.types[0]!.attributes.find((field) => field.key === 'budget')!;
		expect(budget).toMatchObject({ kind: 'currency', options: { currency: 'GBP' } });

		await a.getByRole('button', { name: 'Edit Notes' }).click();
		await a.getByRole('dialog').getByLabel('Name').fill('Remarks');
		await a.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
		await fieldList(a).getByText('Remarks', { exact: true }).waitFor();
		expect(await fieldList(a).getByText('Notes', { exact: true }).count()).toBe(0);
	});

	it('previews a change of kind with the values that will not convert', async () => {
		const a = await signedIn('alice');
		await openHydrated(a, fieldsPath());
		await a.getByRole('button', { name: 'More actions for Remarks' }).click();
		await a.getByRole('menuitem', { name: 'Change type…' }).click();
		const dialog = a.getByRole('dialog');
		await dialog.getByLabel('New type').click();
		await a.getByRole('option', { name: 'Number', exact: true }).click();
		const failures = dialog.getByRole('list', { name: 'Values that will not convert' });
		await failures.waitFor();
		await expect
			.poll(() => failures.getByRole('listitem').allTextContents())
			.toEqual([expect.stringContaining('soon'), expect.stringContaining('twelve')]);
		await dialog.getByText('2 of 4 values convert; 2 will not').waitFor();
		await a.screenshot({ path: 'test-results/fields-kind-preview.png' });
		await dialog.getByRole('button', { name: 'Change type, keep 2 aside' }).click();
		await fieldList(a)
			.getByText(/^Number ·/)
			.waitFor();
		const brief = await getRecord({ context, actor: alice, id: records['Write brief']! });
		expect(brief.notes).toBe(12);
	});

	it('edits select choices with colours and carries renamed values along', async () => {
		const a = await signedIn('alice');
		await openHydrated(a, fieldsPath());
		await a.getByRole('button', { name: 'Edit Status' }).click();
		const dialog = a.getByRole('dialog');
		await dialog.getByLabel('New choice').fill('Blocked');
		await dialog.getByLabel('New choice').press('Enter');
		await dialog.getByRole('button', { name: /^Colour of Blocked/ }).click();
		await a.getByRole('radio', { name: 'red' }).click();
		await a.keyboard.press('Escape');
		await dialog.getByLabel('Name of choice 2').fill('In progress');
		await a.screenshot({ path: 'test-results/fields-choices.png' });
		await dialog.getByRole('button', { name: 'Save' }).click();
		await dialog.waitFor({ state: 'hidden' });

		const schema = await readSchema({ context, actor: alice, space: slug });
		const status = schema.types[0]!.attributes.find((field) => field.key === 'status')!;
		expect(status.options.choices).toEqual([
			{ id: 'todo', name: 'To do', color: 'gray' },
			{ id: 'doing', name: 'In progress', color: 'blue' },
			{ id: 'done', name: 'Done', color: 'green' },
			expect.objectContaining({ name: 'Blocked', color: 'red' })
		]);
		const crew = await getRecord({ context, actor: alice, id: records['Hire crew']! });
		expect(crew.status).toBe('In progress');
	});
});

describe('screens', () => {
	it.each(['light', 'dark'] as const)(
		'look right in %s mode, on desktop and phone',
		async (colorScheme) => {
			const desktop = await signedIn('alice', { colorScheme });
			await openBoard(desktop);
			await card(desktop, 'Hire crew').waitFor();
			await desktop.screenshot({ path: `test-results/board-desktop-${colorScheme}.png` });
			await desktop.goto(`${server.url}/s/${slug}/t/tasks/fields`);
			await desktop.getByRole('list', { name: 'Fields of Tasks' }).waitFor();
			await desktop.screenshot({ path: `test-results/fields-desktop-${colorScheme}.png` });

			const phone = await signedIn('alice', { colorScheme, width: 375, height: 812, touch: true });
			await openBoard(phone);
			await phone.screenshot({ path: `test-results/board-phone-${colorScheme}.png` });
			await phone.goto(`${server.url}/s/${slug}/t/tasks/fields`);
			await phone.getByRole('list', { name: 'Fields of Tasks' }).waitFor();
			await phone.screenshot({ path: `test-results/fields-phone-${colorScheme}.png` });
		}
	);

	it('logged no console errors on any page', () => {
		expect(consoleErrors).toEqual([]);
	});
});
