// The record page in a real browser, two people at once: one long text typed together (both
// see each other's letters, and typing at the same moment merges), a field edit that shows in
// the history and an old value restored from it, a comment with an @mention, a typed value its
// kind refuses, what a viewer sees, and the page of a record that does not exist.
import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '$lib/server/auth/actor';
import type { AppContext } from '$lib/server/context';
import { addAttribute } from '$lib/server/services/attributes';
import { listComments } from '$lib/server/services/comments';
import { readSchema } from '$lib/server/services/read-schema';
import { createEntityType } from '$lib/server/services/entity-types';
import { createRecords, getRecord } from '$lib/server/services/records';
import { bootTestApp, type TestUser } from '../support/app';
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
const password = 'record-e2e-password';
const people = {
	owner: { name: 'Olivia Owner', email: `olivia.${run}@example.test` },
	editor: { name: 'Eddie Editor', email: `eddie.${run}@example.test` },
	viewer: { name: 'Vera Viewer', email: `vera.${run}@example.test` }
};
type Person = keyof typeof people;
let users: Record<Person, TestUser>;
let ownerActor: Actor;
let slug: string;
let recordId: string;
let otherRecordId: string;
let venueIds: string[] = [];
const consoleErrors: string[] = [];
const contexts: BrowserContext[] = [];

/** Live changes cross a socket, a database write and another socket: give them time. */
const eventually = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000 });

const recordPath = (id: string) => `/s/${slug}/t/tasks/r/${id}`;

beforeAll(async () => {
	context = await bootTestApp();
	users = await signUpPeople(context, people, password);
	ownerActor = users.owner.actor;
	const space = await createSpaceWithMembers(
		context,
		users.owner,
		{ name: 'Harbour Lights', slug: `harbour-${run}` },
		[
			[users.editor, 'editor'],
			[users.viewer, 'viewer']
		]
	);
	slug = space.slug;
	const scope = { context, actor: ownerActor, space: slug };
	await createEntityType({ ...scope, input: { name: 'Venues' } });
	await addAttribute({ ...scope, type: 'venues', input: { name: 'Name', kind: 'text' } });
	const venues = await createRecords({
		...scope,
		type: 'venues',
		values: [{ name: 'Main Stage' }, { name: 'Harbour Tent' }]
	});
	venueIds = venues.created.map((venue) => venue.id);
	const venuesType = (await readSchema(scope)).types.find((type) => type.key === 'venues');
	await createEntityType({ ...scope, input: { name: 'Tasks' } });
	const fields = [
		{ name: 'Title', kind: 'text', isRequired: true },
		{
			name: 'Status',
			kind: 'single_select',
			options: {
				choices: [
					{ name: 'To do', color: 'gray' },
					{ name: 'Doing', color: 'blue' },
					{ name: 'Done', color: 'green' }
				]
			}
		},
		{ name: 'Owner', kind: 'user' },
		{ name: 'Due', kind: 'date' },
		{ name: 'Budget', kind: 'currency', options: { currency: 'EUR' } },
		{ name: 'Score', kind: 'number' },
		{ name: 'Priority', kind: 'rating', options: { max: 5 } },
		{ name: 'Approved', kind: 'checkbox' },
		{
			name: 'Tags',
			kind: 'multi_select',
			options: {
				choices: [
					{ name: 'Sound', color: 'purple' },
					{ name: 'Lights', color: 'yellow' },
					{ name: 'Crew', color: 'teal' }
				]
			}
		},
		{
			name: 'Venue',
			kind: 'relation',
			options: { targetEntityTypeId: venuesType?.id },
			inverseName: 'Tasks'
		},
		{ name: 'Notes', kind: 'long_text' },
		{ name: 'Contract', kind: 'attachment' },
		{ name: 'Task no.', kind: 'auto_number' }
	];
	for (const input of fields) await addAttribute({ ...scope, type: 'tasks', input });
	const tasks = await createRecords({
		...scope,
		type: 'tasks',
		values: [
			{
				title: 'Rig the harbour lights',
				status: 'Doing',
				owner: users.editor.id,
				due: '2026-07-04',
				budget: 1250,
				score: 7,
				priority: 4,
				approved: true,
				tags: ['Lights', 'Crew'],
				venue: [venues.created[1]!.id],
				notes: 'Check the cable run.'
			},
			{ title: 'Book the ferry', status: 'To do', notes: '' }
		]
	});
	recordId = tasks.created[0]!.id;
	otherRecordId = tasks.created[1]!.id;
	server = await startAppServer();
	browser = await launchBrowser();
	mkdirSync('test-results', { recursive: true });
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
			height: options.height ?? 900,
			contexts,
			watch: (page) => collectErrors(page, consoleErrors, { who: person })
		}
	);
	return page;
}

async function openRecord(page: Page, id = recordId): Promise<void> {
	await page.goto(`${server.url}${recordPath(id)}`);
	await page.getByText('Live', { exact: true }).waitFor();
}

const notes = (page: Page) => page.getByLabel('Notes', { exact: true });

describe('a long text typed together', () => {
	it('shows what one person types to the other, and merges typing at the same moment', async () => {
		const alice = await signedIn('owner');
		const bob = await signedIn('editor');
		await openRecord(alice);
		await openRecord(bob);
		// Each sees the other has the record open.
		await alice.getByText('Eddie Editor is here').waitFor();
		await bob.getByText('Olivia Owner is here').waitFor();

		await notes(alice).click();
		await alice.keyboard.press('Control+End');
		await notes(alice).pressSequentially(' Spare fuses in the van.', { delay: 20 });
		await eventually(() => notes(bob).inputValue()).toBe(
			'Check the cable run. Spare fuses in the van.'
		);
		await bob.getByText('Olivia Owner is typing…').waitFor();

		// Both at once: Alice at the end, Bob at the start.
		await notes(bob).click();
		await bob.keyboard.press('Control+Home');
		await alice.keyboard.press('Control+End');
		await Promise.all([
			notes(alice).pressSequentially(' Ask Sam.', { delay: 35 }),
			notes(bob).pressSequentially('URGENT: ', { delay: 35 })
		]);
		const merged = 'URGENT: Check the cable run. Spare fuses in the van. Ask Sam.';
		await eventually(() => notes(alice).inputValue()).toBe(merged);
		await eventually(() => notes(bob).inputValue()).toBe(merged);
		await eventually(
			async () => (await getRecord({ context, actor: ownerActor, id: recordId })).notes
		).toBe(merged);
		await alice.screenshot({ path: 'test-results/record-collab-a.png' });
		await bob.screenshot({ path: 'test-results/record-collab-b.png' });
		expect(consoleErrors).toEqual([]);
		await alice.context().close();
		await bob.context().close();
	}, 120_000);
});

describe('history and restore', () => {
	it('shows a field edit in the history and restores the old value for everyone', async () => {
		const alice = await signedIn('owner');
		const bob = await signedIn('editor');
		await openRecord(alice);
		await openRecord(bob);

		const score = alice.getByLabel('Score', { exact: true });
		await score.fill('42');
		await score.press('Enter');
		await alice.locator('[data-field="score"]').getByText('Saved').waitFor();
		await eventually(() => bob.getByLabel('Score', { exact: true }).inputValue()).toBe('42');

		await alice.getByRole('tab', { name: 'History' }).click();
		const entry = alice.locator('[data-history-entry="score"]').first();
		await eventually(() => entry.textContent()).toMatch(/Olivia Owner\s+changed\s+Score/);
		expect(await entry.textContent()).toMatch(/From\s7.*To\s42/s);

		await entry.getByRole('button', { name: 'Restore Score to “7”' }).click();
		await eventually(() => score.inputValue()).toBe('7');
		await eventually(() => bob.getByLabel('Score', { exact: true }).inputValue()).toBe('7');
		// The restore is a change of its own, newest first.
		await eventually(() =>
			alice.locator('[data-history-entry="score"]').first().textContent()
		).toMatch(/changed\s+Score.*From\s42.*To\s7/s);
		expect((await getRecord({ context, actor: ownerActor, id: recordId })).score).toBe(7);
		expect(consoleErrors).toEqual([]);
		await alice.context().close();
		await bob.context().close();
	}, 120_000);

	it('refuses a value its kind cannot read, next to the field, and keeps the stored one', async () => {
		const page = await signedIn('editor');
		await openRecord(page);
		const budget = page.getByLabel('Budget', { exact: true });
		await budget.fill('lots');
		await budget.press('Enter');
		const error = page.locator('[data-field="budget"]').getByText(/Expected an amount in EUR/);
		await error.waitFor();
		expect(await budget.getAttribute('aria-invalid')).toBe('true');
		expect((await getRecord({ context, actor: ownerActor, id: recordId })).budget).toBe(1250);
		await budget.fill('1,400.50');
		await budget.press('Enter');
		await page.locator('[data-field="budget"]').getByText('Saved').waitFor();
		expect(await error.count()).toBe(0);
		expect((await getRecord({ context, actor: ownerActor, id: recordId })).budget).toBe(1400.5);
		await page.context().close();
	});
});

describe('links and files', () => {
	it('links records through the picker and uploads a file straight to storage', async () => {
		const page = await signedIn('editor');
		await openRecord(page, otherRecordId);
		const stored = () => getRecord({ context, actor: ownerActor, id: otherRecordId });

		await page.getByRole('button', { name: 'Link records' }).click();
		await page.getByRole('combobox', { name: 'Venue: search Venues' }).fill('Main');
		await page.getByRole('option', { name: 'Main Stage' }).click();
		await page.getByRole('button', { name: 'Done' }).click();
		await eventually(async () => (await stored()).venue).toEqual([venueIds[0]]);
		await page.locator('[data-field="venue"]').getByText('Main Stage').waitFor();
		await page.getByRole('button', { name: 'Change links' }).waitFor();

		await page.getByRole('button', { name: 'Add files' }).click();
		await page.getByLabel('Choose files to upload').setInputFiles({
			name: 'contract.pdf',
			mimeType: 'application/pdf',
			buffer: Buffer.from('%PDF-1.4\n%roster\n')
		});
		await page.getByRole('link', { name: 'contract.pdf' }).first().waitFor();
		await page.screenshot({ path: 'test-results/record-files.png' });
		await page.getByRole('button', { name: 'Done' }).click();
		await eventually(async () => (await stored()).contract).toMatchObject([
			{ name: 'contract.pdf', contentType: 'application/pdf' }
		]);
		await page.getByRole('button', { name: 'Add or remove files' }).waitFor();
		expect(consoleErrors).toEqual([]);
		await page.context().close();
	});
});

describe('comments', () => {
	it('adds a comment that mentions a member picked from the suggestions', async () => {
		const page = await signedIn('owner');
		await openRecord(page);
		const box = page.getByRole('combobox', { name: 'Add a comment' });
		await box.click();
		await box.pressSequentially('Can you take this, @Edd', { delay: 10 });
		const suggestion = page.getByRole('option', { name: /Eddie Editor/ });
		await suggestion.waitFor();
		await page.screenshot({ path: 'test-results/record-mention.png' });
		await box.press('Enter');
		expect(await box.inputValue()).toBe('Can you take this, @Eddie Editor ');
		await box.pressSequentially('before Friday?');
		await page.getByRole('button', { name: 'Comment', exact: true }).click();

		const comment = page.locator('[data-comment]').last();
		await eventually(() => comment.textContent()).toContain(
			'Can you take this, @Eddie Editor before Friday?'
		);
		await comment.locator('span', { hasText: '@Eddie Editor' }).first().waitFor();
		expect(await box.inputValue()).toBe('');
		const stored = await listComments({ context, actor: ownerActor, space: slug, id: recordId });
		expect(stored.at(-1)!.mentions).toEqual([{ id: users.editor.id, name: 'Eddie Editor' }]);
		expect(consoleErrors).toEqual([]);
		await page.context().close();
	});
});

describe('a viewer', () => {
	it('sees every field, the history and comments, and no editor', async () => {
		const page = await signedIn('viewer');
		await openRecord(page);
		await page.getByText('Read only (viewer)').waitFor();
		const fields = page.locator('[data-record-fields]');
		await fields.getByText('Rig the harbour lights').waitFor();
		expect(await fields.locator('input, textarea, select, button, [role="combobox"]').count()).toBe(
			0
		);
		await page.getByRole('tab', { name: 'History' }).click();
		await page.locator('[data-history-entry]').first().waitFor();
		expect(await page.getByRole('button', { name: /^Restore/ }).count()).toBe(0);
		await page.screenshot({ path: 'test-results/record-viewer.png', fullPage: true });
		expect(consoleErrors).toEqual([]);
		await page.context().close();
	});
});

describe('a linked record', () => {
	it('opens beside the record in a drawer, full screen on a phone', async () => {
		for (const shot of [
			{ name: 'desktop', width: 1280, height: 900 },
			{ name: 'phone', width: 375, height: 812 }
		]) {
			const page = await signedIn('owner', shot);
			await openRecord(page);
			await page.getByRole('link', { name: 'Harbour Tent' }).click();
			const drawer = page.getByRole('dialog', { name: 'Harbour Tent' });
			await drawer.waitFor();
			await drawer.getByText('Live', { exact: true }).waitFor();
			// The inverse link leads back to the task.
			await drawer.getByRole('link', { name: 'Rig the harbour lights' }).waitFor();
			expect(new URL(page.url()).pathname).toBe(recordPath(recordId));
			await page.screenshot({ path: `test-results/record-drawer-${shot.name}.png` });
			await page.keyboard.press('Escape');
			await drawer.waitFor({ state: 'hidden' });
			await page.context().close();
		}
		expect(consoleErrors).toEqual([]);
	}, 120_000);
});

describe('a missing record', () => {
	it('says so and leads back to its sheet', async () => {
		const page = await signedIn('owner');
		const response = await page.goto(
			`${server.url}${recordPath('00000000-0000-4000-8000-000000000000')}`
		);
		expect(response?.status()).toBe(404);
		// The browser logs the 404 of the document itself: expected here, not a fault.
		const logged = consoleErrors.findIndex((entry) => entry.includes('404'));
		if (logged >= 0) consoleErrors.splice(logged, 1);
		await page.getByRole('heading', { name: 'Not found' }).waitFor();
		await page.getByRole('link', { name: 'Back to Tasks' }).click();
		await page.waitForURL((url) => url.pathname === `/s/${slug}/t/tasks`);
		await page.context().close();
	});
});

describe('screenshots', () => {
	const shots = [
		{ name: 'desktop-light', width: 1280, height: 900, colorScheme: 'light' as const },
		{ name: 'desktop-dark', width: 1280, height: 900, colorScheme: 'dark' as const },
		{ name: 'phone-light', width: 375, height: 812, colorScheme: 'light' as const },
		{ name: 'phone-dark', width: 375, height: 812, colorScheme: 'dark' as const }
	];
	for (const shot of shots) {
		it(`records the page: ${shot.name}`, async () => {
			const page = await signedIn('owner', shot);
			await openRecord(page);
			await page.locator('[data-comment]').first().waitFor();
			await page.screenshot({ path: `test-results/record-${shot.name}.png`, fullPage: true });
			// The page scrolls inside the app frame, so a phone shot shows one screen at a time.
			await page.locator('[data-field="notes"]').scrollIntoViewIfNeeded();
			if (shot.width < 640)
				await page.screenshot({ path: `test-results/record-${shot.name}-notes.png` });
			const history = page.getByRole('tab', { name: 'History' });
			await history.click();
			await page.locator('[data-history-entry]').first().waitFor();
			await history.scrollIntoViewIfNeeded();
			await page.screenshot({
				path: `test-results/record-${shot.name}-history.png`,
				fullPage: shot.width >= 640
			});
			expect(consoleErrors).toEqual([]);
			await page.context().close();
		});
	}

	it('records an empty record', async () => {
		const page = await signedIn('owner');
		await openRecord(page, otherRecordId);
		await page.screenshot({ path: 'test-results/record-empty.png', fullPage: true });
		await page.context().close();
	});
});
