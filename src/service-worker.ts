// Offline support for the check-in desk, and only for it: the page registers this worker with the
// scope /checkin/, so no other page of the app is ever controlled by it. It keeps the built app
// files (a new build gets a new cache), the check-in pages for offline reloads, and the attendee
// list as a fallback. Nothing else is cached: other API answers always go to the network.
/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
import { build, files, version } from '$service-worker';

const worker = self as unknown as ServiceWorkerGlobalScope;

const ASSETS = `roster-assets-${version}`;
const PAGES = `roster-checkin-pages-${version}`;
/** Personal data: dropped on sign-out. Not per build (the list does not depend on the code). */
const DATA = 'roster-checkin-data';
const PAGE_PREFIX = 'roster-checkin-pages-';

const assets = new Set([...build, ...files]);
const checkinPage = /^\/checkin\/[^/]+\/?$/;
const attendeeList = /^\/api\/spaces\/[^/]+\/checkin\/attendees$/;

worker.addEventListener('install', (event) => {
	event.waitUntil(
		(async () => {
			await (await caches.open(ASSETS)).addAll([...assets]);
			// Pages an older build kept are fetched again, so offline reloads keep working after
			// an update without a visit in between.
			const pages = await caches.open(PAGES);
			for (const name of await caches.keys()) {
				if (!name.startsWith(PAGE_PREFIX) || name === PAGES) continue;
				for (const request of await (await caches.open(name)).keys()) {
					await keepPage(pages, new URL(request.url).pathname).catch(() => undefined);
				}
			}
			await worker.skipWaiting();
		})()
	);
});

worker.addEventListener('activate', (event) => {
	event.waitUntil(
		(async () => {
			for (const name of await caches.keys()) {
				if (name !== ASSETS && name !== PAGES && name !== DATA) await caches.delete(name);
			}
			await worker.clients.claim();
		})()
	);
});

/** Fetches a check-in page and keeps it, unless the answer is not the page (a sign-in redirect). */
async function keepPage(pages: Cache, pathname: string): Promise<void> {
	if (!checkinPage.test(pathname)) return;
	const response = await fetch(pathname, {
		credentials: 'same-origin',
		redirect: 'manual',
		headers: { accept: 'text/html' }
	});
	if (response.ok && response.type === 'basic') await pages.put(pathname, response);
}

worker.addEventListener('message', (event) => {
	const message = event.data as { type?: string; url?: string } | null;
	if (message?.type === 'keep-page' && typeof message.url === 'string') {
		event.waitUntil(caches.open(PAGES).then((pages) => keepPage(pages, message.url!)));
	}
});

/** The network's answer, kept for later; the kept one when the network fails. */
async function networkFirst(request: Request, cacheName: string, key: string): Promise<Response> {
	const cache = await caches.open(cacheName);
	try {
		const response = await fetch(request);
		// Only real answers: never a redirect to sign-in or an error page.
		if (response.ok && response.type === 'basic' && !response.redirected) {
			await cache.put(key, response.clone());
		}
		return response;
	} catch (error) {
		const kept = await cache.match(key, { ignoreVary: true, ignoreSearch: true });
		if (kept) return kept;
		throw error;
	}
}

const offlinePage = () =>
	new Response(
		`<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Offline · Roster check-in</title>
<body style="font: 16px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 28rem; padding: 0 1rem">
<h1 style="font-size: 1.4rem">You are offline</h1>
<p>This device has not opened this check-in desk while online, so it has nothing saved for it yet.
Connect to the internet and open the page once; after that it works offline too.</p>
<p><button onclick="location.reload()" style="font: inherit; padding: .6rem 1rem">Try again</button></p>`,
		{ status: 503, headers: { 'content-type': 'text/html; charset=utf-8' } }
	);

worker.addEventListener('fetch', (event) => {
	const { request } = event;
	const url = new URL(request.url);
	if (url.origin !== worker.location.origin) return;

	// Signing out forgets the saved attendee lists of this browser.
	if (request.method === 'POST' && url.pathname === '/signout') {
		event.waitUntil(caches.delete(DATA));
		return;
	}
	if (request.method !== 'GET') return;

	if (assets.has(url.pathname)) {
		event.respondWith(
			caches.open(ASSETS).then(async (cache) => (await cache.match(url.pathname)) ?? fetch(request))
		);
		return;
	}
	if (checkinPage.test(url.pathname) && request.mode === 'navigate') {
		event.respondWith(networkFirst(request, PAGES, url.pathname).catch(async () => offlinePage()));
		return;
	}
	if (attendeeList.test(url.pathname)) {
		event.respondWith(networkFirst(request, DATA, url.pathname));
	}
	// Everything else (other API calls, the event stream, sign-in) goes to the network untouched.
});
