// The webhooks page in a real browser: an owner adds a webhook, copies its secret, a record
// change made through the REST API reaches a receiver on loopback, and the delivery log shows
// it. Screenshots at 1440 and 375 px, light and dark, go to test-results/webhooks/.
import http from 'node:http';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AppContext } from '$lib/server/context';
import { addAttribute } from '$lib/server/services/attributes';
import { createEntityType } from '$lib/server/services/entity-types';
import { createSpace } from '$lib/server/services/spaces';
import { bootTestApp, stopTestApp } from '../support/app';
import { launchBrowser } from '../support/browser';
import { openSignedIn, signUpPerson, type SessionState } from '../support/e2e';
import { startAppServer, type AppServer } from '../support/server';

let context: AppContext;
let server: AppServer;
let browser: Browser;
let receiver: http.Server;
let hookUrl = '';
const bodies: string[] = [];
let slug: string;
const run = Date.now().toString(36);
const person = {
	name: 'Wanda Owner',
	email: `wanda.${run}@example.test`,
	password: 'hooks-e2e-pw'
};
const contexts: BrowserContext[] = [];
const patient = { timeout: 40_000 };
const shots = path.join('test-results', 'webhooks');
vi.setConfig({ testTimeout: 120_000 });

beforeAll(async () => {
	context = await bootTestApp();
	const { actor } = await signUpPerson(context, person);
	slug = (
		await createSpace({ context, actor, input: { name: 'Quay Market', slug: `quay-${run}` } })
	).slug;
	await createEntityType({ context, actor, space: slug, input: { name: 'Vendors' } });
	await addAttribute({
		context,
		actor,
		space: slug,
		type: 'vendors',
		input: { name: 'Name', kind: 'text' }
	});
	receiver = http.createServer((request, response) => {
		let body = '';
		request.on('data', (chunk) => (body += chunk));
		request.on('end', () => {
			bodies.push(body);
			response.writeHead(204).end();
		});
	});
	await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
	hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/events`;
	// The receiver is on loopback, which webhooks may not reach by default.
	server = await startAppServer({ WEBHOOK_ALLOW_PRIVATE: 'true' });
	browser = await launchBrowser();
	mkdirSync(shots, { recursive: true });
}, 180_000);

afterAll(async () => {
	for (const each of contexts) await each.close().catch(() => undefined);
	await browser?.close();
	await server?.stop();
	receiver?.close();
	await stopTestApp();
});

/** Signed in through the form once; later pages reuse the session. */
const sessions = new Map<string, SessionState>();

async function signedIn(width = 1440, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
	const { page } = await openSignedIn(browser, server, person, {
		width,
		height: 900,
		colorScheme,
		contexts,
		sessions,
		timeout: patient.timeout
	});
	return page;
}

describe('the webhooks page', () => {
	it('adds a webhook, shows its secret once, and logs the delivery of a change', async () => {
		const page = await signedIn();
		await page.goto(`${server.url}/s/${slug}/webhooks`);
		await page.getByLabel('URL').fill(hookUrl);
		await page.getByRole('button', { name: 'Add webhook' }).click();
		await page.getByText('Copy its signing secret now').waitFor(patient);
		expect(await page.getByRole('status').innerText()).toMatch(/whsec_/);

		const response = await page.request.post(`${server.url}/api/spaces/${slug}/rest/vendors`, {
			headers: { origin: server.url, prefer: 'return=representation' },
			data: { name: 'Harbour Coffee' }
		});
		expect(response.status()).toBe(201);
		await expect
			.poll(() => bodies.some((body) => body.includes('Harbour Coffee')), patient)
			.toBe(true);

		// A click before the page has hydrated would be lost.
		await page.reload({ waitUntil: 'networkidle' });
		await page.getByRole('button', { name: 'Show deliveries' }).click();
		await page.getByText('record.created').waitFor(patient);
		await expect.poll(() => page.getByText('delivered', { exact: true }).count(), patient).toBe(1);
		await page.screenshot({ path: path.join(shots, 'webhooks-1440-light.png'), fullPage: true });
		for (const [width, scheme] of [
			[375, 'light'],
			[375, 'dark'],
			[1440, 'dark']
		] as const) {
			const other = await signedIn(width, scheme);
			await other.goto(`${server.url}/s/${slug}/webhooks`, { waitUntil: 'networkidle' });
			await other.getByRole('button', { name: 'Show deliveries' }).click();
			await other.getByText('record.created').waitFor(patient);
			await other.screenshot({
				path: path.join(shots, `webhooks-${width}-${scheme}.png`),
				fullPage: true
			});
		}
	});
});
