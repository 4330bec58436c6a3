// Forgetting a password, in Chromium against the built app and a real SMTP server: ask for a
// link on the sign-in page, read the mail, open its link, choose a new password, sign in.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '$lib/server/adapters/postgres/embedded';
import { signUp } from '$lib/server/auth/users';
import type { AppContext } from '$lib/server/context';
import { bootTestApp } from '../support/app';
import { launchBrowser } from '../support/browser';
import { stopSuite } from '../support/e2e';
import { startAppServer, type AppServer } from '../support/server';
import { startSmtpServer, type SmtpTestServer } from '../support/smtp-server';

let context: AppContext;
let server: AppServer;
let smtp: SmtpTestServer;
let browser: Browser;

const person = {
	name: 'Fern Forgetful',
	email: `fern.${Date.now().toString(36)}@example.test`,
	password: 'the-old-password'
};

beforeAll(async () => {
	mkdirSync('test-results', { recursive: true });
	smtp = await startSmtpServer();
	const port = await freePort();
	// The app and this file share a mail queue of their own, sent to this file's SMTP server.
	const mail = {
		SMTP_URL: smtp.url,
		MAIL_QUEUE: `mail-e2e-${randomUUID().slice(0, 8)}`,
		ORIGIN: `http://127.0.0.1:${port}`
	};
	context = await bootTestApp(mail);
	await signUp({ context, input: person });
	server = await startAppServer({ ...mail, PORT: String(port) });
	browser = await launchBrowser();
});

afterAll(async () => {
	await stopSuite({ browser, server });
	await smtp?.stop();
});

describe('a forgotten password', () => {
	it('is replaced through the link in the mail, and only the new one signs in', async () => {
		const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
		await page.goto(`${server.url}/signin`);
		await page.getByRole('link', { name: 'Forgot your password?' }).click();
		await page.getByRole('heading', { name: 'Forgot your password?' }).waitFor();
		await page.getByLabel('Email').fill(person.email);
		await page.getByRole('button', { name: 'Send me a link' }).click();
		await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();
		expect(await page.getByRole('status').textContent()).toContain(person.email);

		const mail = await smtp.nextMail(person.email, {
			subject: 'Choose a new password for Roster'
		});
		const link = mail.links.find((each) => each.includes('/reset-password?token='))!;
		expect(link.startsWith(`${server.url}/reset-password?token=`)).toBe(true);

		await page.goto(link);
		await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
		await page.getByLabel('New password').fill('short');
		// The browser's own minlength check holds a too-short password back; the server's policy
		// is the same (tests/integration/account-mail.test.ts).
		expect(
			await page
				.getByLabel('New password')
				.evaluate((input: HTMLInputElement) => input.validity.valid)
		).toBe(false);
		await page.getByLabel('New password').fill('the-new-password');
		await page.getByRole('button', { name: 'Save the new password' }).click();
		await page.getByText('Your password is changed. Sign in with the new one.').waitFor();
		expect(new URL(page.url()).pathname).toBe('/signin');

		// The old password no longer signs in.
		await page.getByLabel('Email').fill(person.email);
		await page.getByLabel('Password').fill(person.password);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await expect.poll(() => page.getByRole('alert').textContent()).toContain('do not match');

		await page.getByLabel('Password').fill('the-new-password');
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.getByRole('heading', { name: 'No spaces yet' }).waitFor();
		// The mail proved the address: no banner asks to confirm it.
		expect(await page.getByText('Confirm your email address').count()).toBe(0);

		// The link worked once.
		await page.goto(link);
		await page.getByText('This link was already used').waitFor();
		await page.close();
	});
});
