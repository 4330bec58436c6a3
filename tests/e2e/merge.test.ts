// Merging in a real browser against the built app: a steward picks a value on the side-by-side
// page with the keyboard, merges, and undoes; another editor's open grid sees the merged-away
// row leave (with a note) and come back; an old id still answers over REST with merged_into; the
// record's Sources tab says where values came from. Screenshots of the page and the sources,
// each also audited with axe.
import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '$lib/server/auth/actor';
import { createApiToken } from '$lib/server/auth/api-tokens';
import type { AppContext } from '$lib/server/context';
import { addAttribute } from '$lib/server/services/attributes';
import { createEntityType } from '$lib/server/services/entity-types';
import { mergeRecords } from '$lib/server/services/merge';
import { createRecords, getRecord } from '$lib/server/services/records';
import { readSchema } from '$lib/server/services/read-schema';
import { bootTestApp } from '../support/app';
import { audit } from '../support/axe';
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
const password = 'merge-e2e-password';
const people = {
	owner: { name: 'Stella Steward', email: `stella.${run}@example.test` },
	editor: { name: 'Eli Editor', email: `eli.${run}@example.test` }
};
type Person = keyof typeof people;
let ownerActor: Actor;
let slug: string;
let token: string;
const customers: Record<string, string> = {};
let attendeeId: string;
const contexts: BrowserContext[] = [];
const consoleErrors: string[] = [];
const SHOTS = '/work/shots/merge';

const eventually = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000 });

beforeAll(async () => {
	context = await bootTestApp();
	const users = await signUpPeople(context, people, password);
	ownerActor = users.owner.actor;
	const space = await createSpaceWithMembers(
		context,
		users.owner,
		{ name: 'Dockside Expo', slug: `dockside-${run}` },
		[[users.editor, 'editor']]
	);
	slug = space.slug;
	const scope = { context, actor: ownerActor, space: slug };
	await createEntityType({ ...scope, input: { name: 'Customers', key: 'customers' } });
	for (const input of [
		{ name: 'Name', kind: 'text' },
		{ name: 'Email', kind: 'email' },
		{ name: 'Phone', kind: 'phone' },
		{
			name: 'Tags',
			kind: 'multi_select',
			options: {
				choices: [
					{ name: 'VIP', color: 'red' },
					{ name: 'Press', color: 'blue' },
					{ name: 'Speaker', color: 'green' }
				]
			}
		},
		{ name: 'Notes', kind: 'long_text' }
	])
		await addAttribute({ ...scope, type: 'customers', input });
	const customersType = (await readSchema(scope)).types.find((type) => type.key === 'customers')!;
	await createEntityType({ ...scope, input: { name: 'Attendees', key: 'attendees' } });
	await addAttribute({ ...scope, type: 'attendees', input: { name: 'Name', kind: 'text' } });
	await addAttribute({
		...scope,
		type: 'attendees',
		input: {
			name: 'Customer',
			kind: 'relation',
			options: { targetEntityTypeId: customersType.id },
			inverseName: 'Attendees'
		}
	});
	const created = await createRecords({
		...scope,
		type: 'customers',
		values: [
			{ name: 'Grace', email: 'grace@navy.example', tags: ['Speaker'] },
			{
				name: 'Grace Hopper',
				email: 'g.hopper@navy.example',
				phone: '+1 202 555 0143',
				tags: ['VIP'],
				notes: 'Keynote on compilers.'
			},
			{ name: 'Alan Turing', email: 'alan@example.org' },
			{ name: 'A. Turing', email: 'alan@example.org' }
		]
	});
	for (const [index, name] of ['grace', 'hopper', 'alan', 'turing'].entries())
		customers[name] = created.created[index]!.id;
	const attendee = await createRecords({
		...scope,
		type: 'attendees',
		values: [{ name: 'Grace at the keynote', customer: [customers.grace] }]
	});
	attendeeId = attendee.created[0]!.id;
	token = (
		await createApiToken({
			context,
			actor: ownerActor,
			space: slug,
			input: { name: 'merge e2e', role: 'owner' }
		})
	).secret;
	server = await startAppServer();
	browser = await launchBrowser();
	mkdirSync(SHOTS, { recursive: true });
}, 180_000);

afterAll(() => stopSuite({ contexts, browser, server }));

async function signedIn(
	person: Person,
	options: { width?: number; colorScheme?: 'light' | 'dark' } = {}
): Promise<Page> {
	const { page } = await openSignedIn(
		browser,
		server,
		{ email: people[person].email, password },
		{
			...options,
			height: 900,
			contexts,
			watch: (page) => collectErrors(page, consoleErrors, { who: person, uncaughtOnly: true })
		}
	);
	return page;
}

const mergePath = (...records: string[]) => `/s/${slug}/t/customers/merge?ids=${records.join(',')}`;

describe('the merge page', () => {
	it('takes a value picked with the keyboard, merges, shows it live to others, and undoes', async () => {
		const watcher = await signedIn('editor');
		await watcher.goto(`${server.url}/s/${slug}/t/customers`);
		await eventually(() => watcher.getByTestId('row-count').textContent()).toContain('4 records');

		const steward = await signedIn('owner');
		await steward.goto(`${server.url}${mergePath(customers.grace!, customers.hopper!)}`);
		// Survivorship: the more complete record survives, the longest name and both tags win.
		await expect
			.poll(() => steward.locator('input[name="survivor"]:checked').getAttribute('value'))
			.toBe(customers.hopper);
		expect(await steward.locator('input[name="field-name"]:checked').getAttribute('value')).toBe(
			customers.hopper
		);
		expect(await steward.locator('input[name="field-tags"]:checked').getAttribute('value')).toBe(
			'union'
		);
		expect(await steward.locator('[data-field="email"]').getAttribute('data-differs')).toBe('true');
		expect(await steward.locator('[data-field="phone"]').getAttribute('data-differs')).toBe('true');

		// Keyboard: into the survivor row, down to Name, "1" takes record 1's name, Enter merges.
		await steward.locator('input[name="survivor"]:checked').focus();
		await steward.keyboard.press('ArrowDown');
		await steward.keyboard.press('1');
		expect(await steward.locator('input[name="field-name"]:checked').getAttribute('value')).toBe(
			customers.grace
		);
		await steward.keyboard.press('Enter');
		await steward.getByText('Merged 2 records into one.').waitFor();

		const survivor = await getRecord({ context, actor: ownerActor, id: customers.hopper! });
		expect(survivor).toMatchObject({ name: 'Grace', tags: ['VIP', 'Speaker'] });
		expect(survivor.attendees).toEqual([attendeeId]);
		expect((await getRecord({ context, actor: ownerActor, id: attendeeId })).customer).toEqual([
			customers.hopper
		]);

		// The other editor's grid loses the row, with a note.
		await eventually(() => watcher.getByTestId('row-count').textContent()).toContain('3 records');
		await watcher
			.getByText('A record was merged into another one, so it left this sheet.')
			.waitFor();

		await steward.getByRole('button', { name: 'Undo merge' }).click();
		await steward.getByText('Merge undone').waitFor();
		expect(await getRecord({ context, actor: ownerActor, id: customers.grace! })).toMatchObject({
			name: 'Grace',
			tags: ['Speaker']
		});
		expect(await getRecord({ context, actor: ownerActor, id: customers.hopper! })).toMatchObject({
			name: 'Grace Hopper',
			tags: ['VIP']
		});
		expect((await getRecord({ context, actor: ownerActor, id: attendeeId })).customer).toEqual([
			customers.grace
		]);
		await eventually(() => watcher.getByTestId('row-count').textContent()).toContain('4 records');
		expect(consoleErrors).toEqual([]);
	}, 120_000);
});

describe('an old id', () => {
	it('answers over REST with its survivor and merged_into, and its page leads there', async () => {
		// Someone has the record open when it is merged away: the page says where it went.
		const reader = await signedIn('owner');
		await reader.goto(`${server.url}/s/${slug}/t/customers/r/${customers.turing}`);
		await reader.getByText('Live', { exact: true }).waitFor();
		await mergeRecords({
			context,
			actor: ownerActor,
			space: slug,
			type: 'customers',
			input: { survivorId: customers.alan, mergedIds: [customers.turing] }
		});
		const response = await fetch(`${server.url}/api/data/entity/${customers.turing}`, {
			headers: { authorization: `Bearer ${token}` }
		});
		await reader.getByText('This record was just merged into another one.').waitFor();
		await reader.getByRole('link', { name: 'Open the record it went into' }).click();
		await reader.waitForURL((url) => url.pathname.endsWith(`/r/${customers.alan}`));
		expect(response.status).toBe(200);
		expect(await response.json()).toMatchObject({
			id: customers.alan,
			name: 'Alan Turing',
			merged_into: customers.alan
		});

		const page = await signedIn('editor');
		await page.goto(`${server.url}/s/${slug}/t/customers/r/${customers.turing}`);
		await page.waitForURL((url) => url.pathname.endsWith(`/r/${customers.alan}`));
		await page.getByText(`Record ${customers.turing} was merged into this one`).waitFor();
		await page.getByRole('tab', { name: 'Sources' }).click();
		await page
			.locator('[data-provenance="name"]')
			.getByText('typed in the app by Stella Steward')
			.waitFor();
		await page.getByText('Merged into this record').waitFor();
	}, 60_000);
});

describe('screenshots', () => {
	for (const width of [1440, 375]) {
		for (const colorScheme of ['light', 'dark'] as const) {
			it(`merge page and sources at ${width} px, ${colorScheme}`, async () => {
				const page = await signedIn('owner', { width, colorScheme });
				await page.goto(`${server.url}${mergePath(customers.grace!, customers.hopper!)}`);
				await page.locator('[data-field="name"]').waitFor();
				await page.getByText('Grace at the keynote').first().waitFor();
				await page.screenshot({
					path: `${SHOTS}/merge-page-${width}-${colorScheme}.png`,
					fullPage: true
				});
				expect(await audit(page)).toEqual([]);
				await page.goto(`${server.url}/s/${slug}/t/customers/r/${customers.alan}`);
				await page.getByRole('tab', { name: 'Sources' }).click();
				await page.locator('[data-provenance="name"]').waitFor();
				await page.screenshot({
					path: `${SHOTS}/provenance-${width}-${colorScheme}.png`,
					fullPage: true
				});
				expect(await audit(page)).toEqual([]);
			}, 60_000);
		}
	}
});
