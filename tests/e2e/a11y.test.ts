// Accessibility of every main screen of the workspace, checked by axe-core inside headless
// Chromium (tests/support/axe.ts), in light and dark mode. The check-in desk has its own audit in
// checkin.test.ts.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '$lib/server/context';
import { addAttribute } from '$lib/server/services/attributes';
import { createEntityType } from '$lib/server/services/entity-types';
import { createRecords } from '$lib/server/services/records';
import { createSpace } from '$lib/server/services/spaces';
import { bootTestApp } from '../support/app';
import { audit } from '../support/axe';
import { launchBrowser } from '../support/browser';
import { openSignedIn, signUpPerson, stopSuite } from '../support/e2e';
import { startAppServer, type AppServer } from '../support/server';

let context: AppContext;
let server: AppServer;
let browser: Browser;
let slug: string;
let recordId: string;

const run = Date.now().toString(36);
const owner = { name: 'Ava Auditor', email: `ava.${run}@example.test` };
const password = 'a11y-e2e-password';

beforeAll(async () => {
	context = await bootTestApp();
	const user = await signUpPerson(context, { ...owner, password });
	const { actor } = user;
	const space = await createSpace({
		context,
		actor,
		input: { name: 'Access Fest', slug: `access-${run}` }
	});
	slug = space.slug;
	const scope = { context, actor, space: slug };
	await createEntityType({ ...scope, input: { name: 'Tasks' } });
	for (const input of [
		{ name: 'Title', kind: 'text', isRequired: true },
		{
			name: 'Status',
			kind: 'single_select',
			options: {
				choices: ['To do', 'Doing', 'Done', 'Blocked'].map((name, index) => ({
					name,
					color: ['gray', 'blue', 'green', 'red'][index]
				}))
			}
		},
		{ name: 'Owner', kind: 'user' },
		{ name: 'Due', kind: 'date' },
		{ name: 'Budget', kind: 'currency', options: { currency: 'EUR' } },
		{ name: 'Priority', kind: 'rating', options: { max: 5 } },
		{ name: 'Approved', kind: 'checkbox' },
		{ name: 'Notes', kind: 'long_text' }
	]) {
		await addAttribute({ ...scope, type: 'tasks', input });
	}
	const records = await createRecords({
		...scope,
		type: 'tasks',
		values: ['Rig the lights', 'Book the ferry', 'Print badges', 'Hire crew'].map(
			(title, index) => ({
				title,
				status: ['To do', 'Doing', 'Done', 'Blocked'][index],
				owner: user.id,
				due: `2026-07-0${index + 1}`,
				budget: 100 * (index + 1),
				priority: index + 1,
				approved: index % 2 === 0,
				notes: 'Check the cable run.'
			})
		)
	});
	recordId = records.created[0]!.id;
	server = await startAppServer();
	browser = await launchBrowser();
}, 120_000);

afterAll(() => stopSuite({ browser, server }));

const screens = [
	{ name: 'overview', path: () => `/s/${slug}`, ready: 'h1' },
	{ name: 'grid', path: () => `/s/${slug}/t/tasks`, ready: '[data-live-mode="socket"]' },
	{ name: 'board', path: () => `/s/${slug}/t/tasks/board`, ready: 'text=Rig the lights' },
	{ name: 'fields', path: () => `/s/${slug}/t/tasks/fields`, ready: 'h1' },
	{ name: 'record', path: () => `/s/${slug}/t/tasks/r/${recordId}`, ready: 'text=Live' },
	{ name: 'members', path: () => `/s/${slug}/members`, ready: 'h1' },
	{ name: 'tokens', path: () => `/s/${slug}/tokens`, ready: 'h1' },
	{ name: 'inbox', path: () => '/inbox', ready: 'h1' }
];

describe.each(['light', 'dark'] as const)('in %s mode', (colorScheme) => {
	it('the sign-in page passes the WCAG A and AA rules, with its error shown', async () => {
		const page = await browser.newPage({ colorScheme });
		await page.goto(`${server.url}/signin`);
		await page.getByLabel('Email').fill(owner.email);
		await page.getByLabel('Password').fill('not the password');
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.getByRole('alert').waitFor();
		expect(await audit(page)).toEqual([]);
		await page.close();
	});

	it('every workspace screen passes the WCAG A and AA rules', async () => {
		const { browserContext, page } = await openSignedIn(
			browser,
			server,
			{ email: owner.email, password },
			{ colorScheme }
		);
		const findings: Record<string, string[]> = {};
		for (const screen of screens) {
			await page.goto(`${server.url}${screen.path()}`);
			await page.locator(screen.ready).first().waitFor();
			const found = await audit(page);
			if (found.length) findings[screen.name] = found;
		}
		expect(findings).toEqual({});
		await browserContext.close();
	}, 120_000);
});
