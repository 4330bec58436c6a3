// The grid benchmark: a 100,000-row sheet made through the app's services, the built app as
// `npm start` runs it, and headless Chromium opening the sheet and scrolling through 20,000
// rows. Prints figures, never passes or fails on them; the last line is one JSON object.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';
import type { Actor } from '$lib/server/auth/actor';
import { signUp } from '$lib/server/auth/users';
import { boot, shutdown, type AppContext } from '$lib/server/context';
import { addAttribute } from '$lib/server/services/attributes';
import { createEntityType } from '$lib/server/services/entity-types';
import { createRecords } from '$lib/server/services/records';
import { createSpace } from '$lib/server/services/spaces';
import { createView } from '$lib/server/services/views';
import { openBenchDatabase } from '../query/database';
import { prepareAppBuild, startAppServer } from '../query/http';
import { describeMachine, loadAverage, rssMiB } from '../query/machine';
import { summarize, type Summary } from '../query/measure';

const root = process.cwd();
const DATABASE = 'roster_bench_ui';
// Its own login role, so a run against a shared server never re-passwords another bench's.
const RUNTIME_ROLE = 'roster_bench_ui';
const AUTH_SECRET = 'bench-ui-secret-that-is-long-enough-for-hmac-signing';
const EMAIL = 'bench.ui@example.test';
const PASSWORD = 'bench-ui-password';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const numberFromEnv = (name: string, fallback: number) => {
	const value = Number(process.env[name] ?? fallback);
	if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
	return value;
};

const log = (line = '') => console.log(line);
const ms = (value: number) => `${value.toFixed(1)} ms`;

/** Cleanup steps, run last-registered first, once, whether the run ends well or not. */
class Cleanup {
	private steps: (() => Promise<unknown>)[] = [];
	push(step: () => Promise<unknown>) {
		this.steps.push(step);
	}
	async run() {
		for (const step of this.steps.splice(0).reverse()) {
			await step().catch((error) =>
				console.error(`cleanup: ${error instanceof Error ? error.message : error}`)
			);
		}
	}
}

const CITIES = ['Berlin', 'Lisbon', 'Utrecht', 'Lyon', 'Bologna', 'Aarhus', 'Graz', 'Porto'];
const STATUSES = ['Invited', 'Confirmed', 'Checked in', 'Declined', 'Waitlist'];
const COLORS = ['blue', 'green', 'teal', 'red', 'yellow'];
const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Radia'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Perlman'];

interface Sheet {
	actor: Actor;
	slug: string;
	typeKey: string;
	/** BENCH_GROUP_BY: a saved view grouping the sheet, opened instead of the plain sheet. */
	viewId?: string;
}

/** A user, a space, a sheet of ten fields and its rows, all through the services. */
async function createSheet(context: AppContext, rows: number): Promise<Sheet> {
	const user = (await signUp({
		context,
		input: { name: 'Bench Browser', email: EMAIL, password: PASSWORD }
	}))!;
	const actor: Actor = { userId: user.id, via: 'web' };
	const space = await createSpace({
		context,
		actor,
		input: { name: 'UI Bench', slug: `ui-bench-${Date.now().toString(36)}` }
	});
	const scope = { context, actor, space: space.slug };
	await createEntityType({ ...scope, input: { name: 'Attendees', key: 'attendees' } });
	for (const input of [
		{ name: 'Name', key: 'name', kind: 'text', isRequired: true },
		{ name: 'No.', key: 'no', kind: 'auto_number' },
		{ name: 'Email', key: 'email', kind: 'email' },
		{ name: 'City', key: 'city', kind: 'text' },
		{
			name: 'Status',
			key: 'status',
			kind: 'single_select',
			options: { choices: STATUSES.map((name, index) => ({ name, color: COLORS[index] })) }
		},
		{ name: 'Score', key: 'score', kind: 'number' },
		{ name: 'Ticket', key: 'ticket', kind: 'currency', options: { currency: 'EUR' } },
		{ name: 'VIP', key: 'vip', kind: 'checkbox' },
		{ name: 'Rating', key: 'rating', kind: 'rating', options: { max: 5 } },
		{ name: 'Arrives', key: 'arrives', kind: 'date' }
	]) {
		await addAttribute({ ...scope, type: 'attendees', input });
	}
	const batch = 1000;
	const started = performance.now();
	let done = 0;
	const insertBatch = async (first: number) => {
		const values = Array.from({ length: Math.min(batch, rows - first) }, (_, offset) => {
			const n = first + offset;
			return {
				name: `${FIRST[n % FIRST.length]} ${LAST[(n * 7) % LAST.length]} ${n + 1}`,
				email: `guest${n + 1}@example.org`,
				city: CITIES[(n * 3) % CITIES.length],
				status: STATUSES[n % STATUSES.length],
				score: (n * 37) % 1000,
				ticket: 49 + ((n * 13) % 200),
				vip: n % 9 === 0,
				rating: (n % 5) + 1,
				arrives: `2026-07-${String((n % 28) + 1).padStart(2, '0')}`
			};
		});
		await createRecords({ ...scope, type: 'attendees', values });
		done += values.length;
		if (done % 20_000 < batch) {
			log(
				`  ${done.toLocaleString('en')} rows, ${((performance.now() - started) / 1000).toFixed(0)} s`
			);
		}
	};
	// Batches in order, two at a time: the auto number follows creation order either way.
	const starts = Array.from({ length: Math.ceil(rows / batch) }, (_, index) => index * batch);
	const lanes = 2;
	await Promise.all(
		Array.from({ length: lanes }, async (_, lane) => {
			for (let index = lane; index < starts.length; index += lanes)
				await insertBatch(starts[index]!);
		})
	);
	log(
		`  ${rows.toLocaleString('en')} rows through createRecords in ${((performance.now() - started) / 1000).toFixed(1)} s`
	);
	return { actor, slug: space.slug, typeKey: 'attendees' };
}

/** Marks, from inside the page, when the first body row with text is in the DOM and painted. */
const firstRowsProbe = () => {
	const probe = window as unknown as { __firstRowsInDom?: number; __firstRowsFrame?: number };
	const observer = new MutationObserver(() => {
		if (probe.__firstRowsInDom !== undefined) return;
		const cell = document.querySelector('[role="row"][aria-rowindex="2"] [role="gridcell"]');
		if (!cell?.textContent?.trim()) return;
		probe.__firstRowsInDom = performance.now();
		performance.mark('first-rows');
		observer.disconnect();
		requestAnimationFrame(() => (probe.__firstRowsFrame = performance.now()));
	});
	observer.observe(document, { childList: true, subtree: true, characterData: true });
};

interface FirstRows {
	inDom: number;
	frame: number;
	responseStart: number;
	domContentLoaded: number;
}

async function openSheet(page: Page, url: string): Promise<FirstRows> {
	await page.goto(url, { waitUntil: 'load' });
	await page.waitForFunction(
		() => (window as unknown as { __firstRowsFrame?: number }).__firstRowsFrame !== undefined,
		undefined,
		{ timeout: 60_000 }
	);
	return page.evaluate(() => {
		const probe = window as unknown as { __firstRowsInDom: number; __firstRowsFrame: number };
		const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
		return {
			inDom: probe.__firstRowsInDom,
			frame: probe.__firstRowsFrame,
			responseStart: navigation.responseStart,
			domContentLoaded: navigation.domContentLoadedEventEnd
		};
	});
}

interface ScrollResult {
	deltas: number[];
	rowsScrolled: number;
	maxRowsInDom: number;
	maxCellsInDom: number;
	longTasks: number;
	heapBytes: number | null;
}

/**
 * Scrolls the grid at a constant speed, one step per animation frame, and records the time
 * between frames. Every frame the page moves `rows / frames` rows and has to render them.
 */
async function scrollRows(page: Page, rows: number, seconds: number): Promise<ScrollResult> {
	return page.evaluate(
		async ({ rows, seconds }) => {
			const grid = document.querySelector<HTMLElement>('[role="grid"]')!;
			const header = grid.querySelector<HTMLElement>('[role="row"][aria-rowindex="1"]')!;
			const rowCount = Number(grid.getAttribute('aria-rowcount')) - 1;
			const rowHeight = (grid.scrollHeight - header.offsetHeight) / rowCount;
			const frames = Math.round(seconds * 60);
			const step = (rows * rowHeight) / frames;
			let longTasks = 0;
			const observer = new PerformanceObserver((list) => (longTasks += list.getEntries().length));
			observer.observe({ type: 'longtask', buffered: false });
			const deltas: number[] = [];
			let maxRowsInDom = 0;
			let maxCellsInDom = 0;
			const startTop = grid.scrollTop;
			await new Promise<void>((resolve) => {
				let last = 0;
				let frame = 0;
				const tick = (now: number) => {
					if (last) deltas.push(now - last);
					last = now;
					if (frame % 10 === 0) {
						maxRowsInDom = Math.max(maxRowsInDom, grid.querySelectorAll('[role="row"]').length);
						maxCellsInDom = Math.max(
							maxCellsInDom,
							grid.querySelectorAll('[role="gridcell"]').length
						);
					}
					if (frame++ >= frames) return resolve();
					grid.scrollTop = startTop + frame * step;
					requestAnimationFrame(tick);
				};
				requestAnimationFrame(tick);
			});
			observer.disconnect();
			const memory = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
			return {
				deltas,
				rowsScrolled: Math.round((grid.scrollTop - startTop) / rowHeight),
				maxRowsInDom,
				maxCellsInDom,
				longTasks,
				heapBytes: memory?.usedJSHeapSize ?? null
			};
		},
		{ rows, seconds }
	);
}

interface CellNodes {
	cells: number;
	perCell: number;
	perCellWithRow: number;
}

/**
 * DOM nodes (elements, text and comments) per body cell, once the rows have settled: inside the
 * cells themselves, and counting everything in the body rows (row wrappers, the row-number
 * gutter, Svelte's anchors) shared out over their cells. Every one of them is created, styled
 * and laid out again when a row slot takes a new row.
 */
async function cellNodes(page: Page): Promise<CellNodes> {
	return page.evaluate(() => {
		const count = (root: Node) => {
			const walker = document.createTreeWalker(
				root,
				NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT | NodeFilter.SHOW_COMMENT
			);
			let nodes = 1;
			while (walker.nextNode()) nodes++;
			return nodes;
		};
		const grid = document.querySelector<HTMLElement>('[role="grid"]')!;
		const rows = [...grid.querySelectorAll('[role="row"]')].filter(
			(row) => row.getAttribute('aria-rowindex') !== '1'
		);
		const cells = [...grid.querySelectorAll('[role="gridcell"]')];
		const inCells = cells.reduce((sum, cell) => sum + count(cell), 0);
		const inRows = rows.reduce((sum, row) => sum + count(row), 0);
		return {
			cells: cells.length,
			perCell: inCells / Math.max(1, cells.length),
			perCellWithRow: inRows / Math.max(1, cells.length)
		};
	});
}

/**
 * Composited layers in the page's layer tree (CDP LayerTree), read on the next frame: each one
 * is committed and layerized again on every frame that changes it.
 */
async function compositedLayers(page: Page, cdp: CDPSession): Promise<number | null> {
	const layers = new Promise<number | null>((resolve) => {
		const timer = setTimeout(() => resolve(null), 5_000);
		cdp.once('LayerTree.layerTreeDidChange', (event: { layers?: unknown[] }) => {
			clearTimeout(timer);
			resolve(event.layers?.length ?? null);
		});
	});
	await cdp.send('LayerTree.enable');
	// A one-pixel scroll and back makes a frame, which reports the tree.
	await page.evaluate(() => {
		const grid = document.querySelector<HTMLElement>('[role="grid"]')!;
		grid.scrollTop += 1;
		requestAnimationFrame(() => (grid.scrollTop -= 1));
	});
	const count = await layers;
	await cdp.send('LayerTree.disable');
	return count;
}

interface MainThreadTimes {
	script: number;
	style: number;
	layout: number;
	task: number;
}

/** The renderer main thread's cumulative busy time so far, in seconds, by kind. */
async function mainThreadTimes(cdp: CDPSession): Promise<MainThreadTimes> {
	const { metrics } = (await cdp.send('Performance.getMetrics')) as {
		metrics: { name: string; value: number }[];
	};
	const metric = (name: string) => metrics.find((entry) => entry.name === name)?.value ?? 0;
	return {
		script: metric('ScriptDuration'),
		style: metric('RecalcStyleDuration'),
		layout: metric('LayoutDuration'),
		task: metric('TaskDuration')
	};
}

const TRACE_CATEGORIES = [
	'devtools.timeline',
	'disabled-by-default-devtools.timeline',
	'v8',
	'blink'
];

interface TraceEvent {
	name: string;
	ph: string;
	ts: number;
	dur?: number;
	pid: number;
	tid: number;
	args?: { name?: string };
}

/**
 * Self time (µs) by event name on the renderer's main thread (CrRendererMain), from the
 * complete ('X') events of a Chrome trace: a parent's time excludes its children's.
 */
function topSelfTimes(buffer: Buffer, count: number): [string, number][] {
	const parsed = JSON.parse(buffer.toString('utf8')) as { traceEvents: TraceEvent[] };
	const events = parsed.traceEvents;
	const main = new Set(
		events
			.filter((event) => event.name === 'thread_name' && event.args?.name === 'CrRendererMain')
			.map((event) => `${event.pid}:${event.tid}`)
	);
	const complete = events
		.filter(
			(event) =>
				event.ph === 'X' && event.dur !== undefined && main.has(`${event.pid}:${event.tid}`)
		)
		.sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
	const self = new Map<string, number>();
	const stack: TraceEvent[] = [];
	for (const event of complete) {
		while (stack.length && stack.at(-1)!.ts + stack.at(-1)!.dur! <= event.ts) stack.pop();
		const parent = stack.at(-1);
		if (parent) self.set(parent.name, (self.get(parent.name) ?? 0) - event.dur!);
		self.set(event.name, (self.get(event.name) ?? 0) + event.dur!);
		stack.push(event);
	}
	return [...self].sort((a, b) => b[1] - a[1]).slice(0, count);
}

interface CpuProfile {
	nodes: {
		id: number;
		callFrame: { functionName: string; url: string; lineNumber: number };
	}[];
	samples: number[];
	timeDeltas: number[];
}

/** Self time (µs) by function from a V8 CPU profile (BENCH_PROFILE=1). */
function topFunctions(profile: CpuProfile, count: number): [string, number][] {
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));
	const self = new Map<string, number>();
	profile.samples.forEach((id, index) => {
		const frame = byId.get(id)!.callFrame;
		const name = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').pop()}:${frame.lineNumber + 1}`;
		self.set(name, (self.get(name) ?? 0) + (profile.timeDeltas[index] ?? 0));
	});
	return [...self].sort((a, b) => b[1] - a[1]).slice(0, count);
}

/**
 * CPU seconds used so far by Chromium's processes, by type (renderer, gpu, browser, ...), from
 * SystemInfo.getProcessInfo. Unlike frame times, CPU time is not stretched by the other work on
 * a shared machine, so it compares two versions of the grid more fairly.
 */
async function processCpu(browser: Browser): Promise<Map<string, number>> {
	const session = await browser.newBrowserCDPSession();
	try {
		const { processInfo } = (await session.send('SystemInfo.getProcessInfo')) as {
			processInfo: { type: string; cpuTime: number }[];
		};
		const byType = new Map<string, number>();
		for (const { type, cpuTime } of processInfo)
			byType.set(type, (byType.get(type) ?? 0) + cpuTime);
		return byType;
	} finally {
		await session.detach();
	}
}

/** One timed scroll after a short warm-up, with where the main thread spent it. */
async function measureScroll(
	page: Page,
	cdp: CDPSession,
	browser: Browser,
	options: { rows: number; seconds: number; tracePath?: string; isProfiling: boolean }
): Promise<{ frames: Summary; scroll: ScrollResult; cpuPerFrame: number }> {
	const warm = await scrollRows(page, 300, 1);
	log(`  warm-up scrolled ${warm.rowsScrolled} rows`);
	const before = await mainThreadTimes(cdp);
	const cpuBefore = await processCpu(browser);
	if (options.tracePath)
		await browser.startTracing(page, { path: options.tracePath, categories: TRACE_CATEGORIES });
	if (options.isProfiling) {
		await cdp.send('Profiler.enable');
		await cdp.send('Profiler.start');
	}
	const scroll = await scrollRows(page, options.rows, options.seconds);
	const trace = options.tracePath ? await browser.stopTracing() : null;
	const profile = options.isProfiling
		? ((await cdp.send('Profiler.stop')) as { profile: CpuProfile }).profile
		: null;
	const after = await mainThreadTimes(cdp);
	const cpuAfter = await processCpu(browser);
	const frames = summarize(scroll.deltas);
	log(line('frame time', frames));
	const cpuOf = (type: string) =>
		(((cpuAfter.get(type) ?? 0) - (cpuBefore.get(type) ?? 0)) * 1000) / scroll.deltas.length;
	const cpuPerFrame = [...cpuAfter.keys()].reduce((sum, type) => sum + cpuOf(type), 0);
	log(
		`  Chromium CPU per frame: ${ms(cpuPerFrame)} (renderer ${ms(cpuOf('renderer'))}, gpu ${ms(cpuOf('GPU'))}, browser ${ms(cpuOf('browser'))})`
	);
	// Where the renderer's main thread spent the scroll, per frame: what is left of a frame
	// beyond these is raster and compositing, off the main thread.
	const perFrame = (key: keyof MainThreadTimes) =>
		ms(((after[key] - before[key]) * 1000) / scroll.deltas.length);
	log(
		`  main thread per frame: script ${perFrame('script')}, style ${perFrame('style')}, layout ${perFrame('layout')}, all tasks ${perFrame('task')}`
	);
	if (profile) {
		log('  JS self time per frame, by function:');
		for (const [name, total] of topFunctions(profile, 15))
			log(`    ${name.slice(0, 60).padEnd(60)} ${ms(total / 1000 / scroll.deltas.length)}`);
	}
	if (trace) {
		log(`  trace in ${options.tracePath}; renderer main thread by event, self time per frame:`);
		for (const [name, total] of topSelfTimes(trace, 12))
			log(`    ${name.padEnd(34)} ${ms(total / 1000 / scroll.deltas.length)}`);
	}
	log(
		`  ${scroll.deltas.length} frames, ${scroll.rowsScrolled.toLocaleString('en')} rows scrolled, ${scroll.longTasks} long tasks (> 50 ms)`
	);
	log(
		`  frames over 16.7 ms: ${scroll.deltas.filter((delta) => delta > 16.7).length}, over 33.4 ms: ${scroll.deltas.filter((delta) => delta > 33.4).length}`
	);
	log(
		`  DOM during the scroll: at most ${scroll.maxRowsInDom} rows and ${scroll.maxCellsInDom} cells`
	);
	return { frames, scroll, cpuPerFrame };
}

const line = (label: string, summary: Summary) =>
	`  ${label.padEnd(26)} p50 ${ms(summary.p50).padStart(9)}  p95 ${ms(summary.p95).padStart(9)}  p99 ${ms(summary.p99).padStart(9)}  max ${ms(summary.max).padStart(9)}  (${summary.runs} samples)`;

interface Options {
	rows: number;
	scrollRows: number;
	scrollSeconds: number;
	loads: number;
	scrollRuns: number;
	timeoutSeconds: number;
}

function readOptions(): Options {
	const rows = Math.round(numberFromEnv('BENCH_ROWS', 100_000));
	const scrollRows = Math.min(rows - 100, Math.round(numberFromEnv('BENCH_SCROLL_ROWS', 20_000)));
	return {
		rows,
		scrollRows,
		scrollSeconds: numberFromEnv('BENCH_SCROLL_SECONDS', 40),
		loads: Math.round(numberFromEnv('BENCH_LOADS', 5)),
		// Each run scrolls on from where the last stopped, so they must fit in the sheet.
		scrollRuns: Math.max(
			1,
			Math.min(
				Math.round(numberFromEnv('BENCH_SCROLL_RUNS', 1)),
				Math.floor((rows - 100) / (scrollRows + 300))
			)
		),
		timeoutSeconds: numberFromEnv('BENCH_TIMEOUT_SECONDS', 3600)
	};
}

type AppServer = Awaited<ReturnType<typeof startAppServer>>;

/** The database, the sheet made through the services, and the built app serving it. */
async function startApp(
	options: Options,
	cleanup: Cleanup
): Promise<{ server: AppServer; sheet: Sheet }> {
	const database = await openBenchDatabase(log, { database: DATABASE, dataDir: '.data/bench-ui' });
	cleanup.push(database.stop);
	log(`Database: ${DATABASE} on ${database.where}`);
	const dataDir = mkdtempSync(path.join(os.tmpdir(), 'roster-bench-ui-'));
	cleanup.push(async () => rmSync(dataDir, { recursive: true, force: true }));
	const appEnv = {
		DATABASE_URL: database.url,
		DATABASE_RUNTIME_ROLE: RUNTIME_ROLE,
		SEED_DEMO: 'false',
		AUTH_SECRET,
		DATA_DIR: dataDir,
		RATE_LIMIT_WRITES_PER_MINUTE: '100000',
		RATE_LIMIT_SIGNIN_PER_MINUTE: '1000'
	};
	const context = await boot({ env: { ...appEnv, NODE_ENV: 'production' }, log: () => undefined });
	cleanup.push(shutdown);

	const machine = await describeMachine(context.db.owner);
	log('');
	log('Machine');
	log(`  cpu       ${machine.cpu}, ${machine.cores} cores, ${machine.ramGiB} GiB RAM`);
	log(`  node      ${machine.node}`);
	log(`  postgres  ${machine.postgres}`);
	log(`  load avg  ${loadAverage()} (1/5/15 min; other processes share these cores)`);

	log('');
	log('Sheet (user, space, 10 fields and every row through the services)');
	const sheet = await createSheet(context, options.rows);
	await context.db.owner.query('vacuum (analyze) entities, eav_values');
	const groupBy = process.env.BENCH_GROUP_BY?.split(',').filter(Boolean) ?? [];
	if (groupBy.length) {
		const view = await createView({
			context,
			actor: sheet.actor,
			space: sheet.slug,
			type: sheet.typeKey,
			input: { name: 'Grouped', config: { groupBy } }
		});
		sheet.viewId = view.id;
		log(`  grouped by ${groupBy.join(', ')} (a saved view)`);
	}

	log('');
	const appDir = path.join(root, '.data', 'bench-ui', 'app');
	const build = prepareAppBuild(root, appDir, {
		buildDir: process.env.BUILD_DIR,
		rebuild: process.env.BENCH_REBUILD !== '0'
	});
	log(`App: ${build}`);
	const server = await startAppServer({ root, appDir, env: appEnv, timeoutMs: 120_000 });
	cleanup.push(server.stop);
	log(`  serving at ${server.url} (pid ${server.pid})`);
	return { server, sheet };
}

/** Headless Chromium at 1440 x 900, signed in through the real form, with the first-rows probe. */
async function openBrowser(server: AppServer, cleanup: Cleanup) {
	// Frames are not held to the display's 60 Hz: the time between frames is then the time
	// a frame takes, which is what the grid controls.
	const browser: Browser = await chromium.launch({
		executablePath: CHROMIUM,
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-gpu-vsync',
			'--disable-frame-rate-limit',
			'--enable-precise-memory-info'
		]
	});
	cleanup.push(() => browser.close());
	const browserContext = await browser.newContext({ viewport: { width: 1440, height: 900 } });
	// tsx keeps function names with an `__name` helper that functions sent to the page call.
	await browserContext.addInitScript({ content: 'window.__name = (fn) => fn;' });
	await browserContext.addInitScript(firstRowsProbe);
	const page = await browserContext.newPage();
	const consoleErrors: string[] = [];
	page.on('console', (message) => {
		if (message.type() === 'error') consoleErrors.push(message.text());
	});
	await page.goto(`${server.url}/signin`);
	await page.getByLabel('Email').fill(EMAIL);
	await page.getByLabel('Password').fill(PASSWORD);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 60_000 });
	log(`  browser   Chromium ${browser.version()} (headless, 1440 x 900)`);
	return { browser, browserContext, page, consoleErrors };
}

async function measureFirstRows(page: Page, url: string, loads: number): Promise<Summary> {
	log('');
	log(`First rows: ${loads} loads of ${new URL(url).pathname} (the first one cold)`);
	const loadsMeasured: FirstRows[] = [];
	for (let run = 0; run < loads; run++) {
		const measured = await openSheet(page, url);
		loadsMeasured.push(measured);
		log(
			`  load ${run + 1}: first byte ${ms(measured.responseStart)}, rows in DOM ${ms(measured.inDom)}, first frame with rows ${ms(measured.frame)}, DOMContentLoaded ${ms(measured.domContentLoaded)}`
		);
	}
	const firstRows = summarize(loadsMeasured.map((measured) => measured.frame));
	log(line('first frame with rows', firstRows));
	return firstRows;
}

/**
 * BENCH_SCREENSHOTS=<dir>: the sheet as the bench sees it, at 1440 and 375 px wide, light and
 * dark, to check the grid by eye with a full sheet of every common kind.
 */
async function takeScreenshots(page: Page, directory: string): Promise<void> {
	mkdirSync(directory, { recursive: true });
	for (const width of [1440, 375]) {
		for (const colorScheme of ['light', 'dark'] as const) {
			await page.setViewportSize({ width, height: width > 600 ? 900 : 812 });
			await page.emulateMedia({ colorScheme });
			await page.waitForTimeout(500);
			await page.screenshot({ path: path.join(directory, `grid-${width}-${colorScheme}.png`) });
		}
	}
	await page.setViewportSize({ width: 1440, height: 900 });
	await page.emulateMedia({ colorScheme: 'light' });
	log(`  screenshots in ${directory}`);
}

/** The scroll runs one after the other, each waiting for the rows where it stopped. */
async function measureScrolls(page: Page, cdp: CDPSession, browser: Browser, options: Options) {
	log('');
	log(
		`Scroll: ${options.scrollRows.toLocaleString('en')} rows in ${options.scrollSeconds} s (${Math.round((options.scrollRows * 33) / options.scrollSeconds).toLocaleString('en')} px/s at 33 px a row), one step per animation frame, frames not capped at 60 Hz`
	);
	const runs: { frames: Summary; scroll: ScrollResult; cpuPerFrame: number }[] = [];
	for (let run = 1; run <= options.scrollRuns; run++) {
		if (options.scrollRuns > 1) log(`  run ${run} of ${options.scrollRuns}`);
		const measured = await measureScroll(page, cdp, browser, {
			rows: options.scrollRows,
			seconds: options.scrollSeconds,
			// A trace or a profile of one run is enough, and would slow the others.
			tracePath: run === 1 ? process.env.BENCH_TRACE : undefined,
			isProfiling: run === 1 && Boolean(process.env.BENCH_PROFILE)
		});
		runs.push(measured);
		const settleStart = performance.now();
		await page.waitForFunction(
			() => document.querySelectorAll('[role="gridcell"][aria-busy="true"]').length === 0,
			undefined,
			{ timeout: 30_000 }
		);
		log(
			`  rows at the stop position filled in ${ms(performance.now() - settleStart)} after the scroll`
		);
	}
	const medianOf = (pick: (frames: Summary) => number) =>
		summarize(runs.map((run) => pick(run.frames))).p50;
	const frames = {
		p50: medianOf((summary) => summary.p50),
		p95: medianOf((summary) => summary.p95),
		p99: medianOf((summary) => summary.p99),
		cpu: summarize(runs.map((run) => run.cpuPerFrame)).p50
	};
	if (options.scrollRuns > 1)
		log(
			`  median of ${options.scrollRuns} runs: p50 ${ms(frames.p50)}, p95 ${ms(frames.p95)}, p99 ${ms(frames.p99)}, Chromium CPU per frame ${ms(frames.cpu)} (p95 by run: ${runs.map((run) => run.frames.p95.toFixed(1)).join(', ')})`
		);
	return { runs, frames };
}

export async function main(): Promise<void> {
	const options = readOptions();
	const cleanup = new Cleanup();
	const stopNow = async (reason: string) => {
		console.error(`\nbench: ${reason}; stopping`);
		await cleanup.run();
		process.exit(1);
	};
	const watchdog = setTimeout(
		() => void stopNow(`time limit of ${options.timeoutSeconds} s reached`),
		options.timeoutSeconds * 1000
	);
	for (const signal of ['SIGINT', 'SIGTERM'] as const)
		process.once(signal, () => void stopNow(`got ${signal}`));

	try {
		log(
			`Roster UI benchmark: a ${options.rows.toLocaleString('en')}-row sheet in headless Chromium, scrolling ${options.scrollRows.toLocaleString('en')} rows`
		);
		const { server, sheet } = await startApp(options, cleanup);
		const { browser, browserContext, page, consoleErrors } = await openBrowser(server, cleanup);
		const sheetUrl = `${server.url}/s/${sheet.slug}/t/${sheet.typeKey}${sheet.viewId ? `?view=${sheet.viewId}` : ''}`;
		const firstRows = await measureFirstRows(page, sheetUrl, options.loads);
		if (process.env.BENCH_SCREENSHOTS) await takeScreenshots(page, process.env.BENCH_SCREENSHOTS);

		// Hydrated, with the live connection up.
		await page.locator('[data-live-mode="socket"]').waitFor({ timeout: 60_000 });
		const cdp = await browserContext.newCDPSession(page);
		await cdp.send('Performance.enable');
		const { runs, frames } = await measureScrolls(page, cdp, browser, options);
		const scroll = runs[runs.length - 1]!.scroll;
		const nodes = await cellNodes(page);
		log(
			`  DOM nodes per cell: ${nodes.perCell.toFixed(1)} inside a cell, ${nodes.perCellWithRow.toFixed(1)} with its share of the row (${nodes.cells} cells)`
		);
		const layers = await compositedLayers(page, cdp);
		log(`  composited layers: ${layers ?? 'not reported'}`);
		const { metrics } = (await cdp.send('Performance.getMetrics')) as {
			metrics: { name: string; value: number }[];
		};
		const metric = (name: string) => metrics.find((entry) => entry.name === name)?.value ?? 0;
		log('');
		log('Memory');
		log(
			`  page      JS heap ${(metric('JSHeapUsedSize') / 2 ** 20).toFixed(1)} MiB used of ${(metric('JSHeapTotalSize') / 2 ** 20).toFixed(1)} MiB, ${metric('Nodes').toLocaleString('en')} DOM nodes`
		);
		log(`  app       ${rssMiB(server.pid) ?? '?'} MiB resident`);
		log(`  bench     ${rssMiB() ?? '?'} MiB resident`);
		if (consoleErrors.length) log(`  console errors: ${consoleErrors.slice(0, 5).join(' | ')}`);

		const round = (value: number, places: number) =>
			Math.round(value * 10 ** places) / 10 ** places;
		const figures = {
			first_rows_ms: round(firstRows.p50, 1),
			scroll_frame_p95_ms: round(frames.p95, 2),
			rows: options.rows,
			first_rows_p95_ms: round(firstRows.p95, 1),
			scroll_frame_p50_ms: round(frames.p50, 2),
			scroll_frame_p99_ms: round(frames.p99, 2),
			scroll_frame_p95_by_run_ms: runs.map((run) => round(run.frames.p95, 2)),
			chromium_cpu_ms_per_frame: round(frames.cpu, 2),
			dom_nodes_per_cell: round(nodes.perCell, 1),
			dom_nodes_per_cell_with_row: round(nodes.perCellWithRow, 1),
			composited_layers: layers,
			scrolled_rows: scroll.rowsScrolled,
			max_rows_in_dom: scroll.maxRowsInDom,
			long_tasks: scroll.longTasks,
			js_heap_mib: round(metric('JSHeapUsedSize') / 2 ** 20, 1)
		};
		log('');
		log('Targets: first rows < 1000 ms, p95 frame < 16 ms');
		log(JSON.stringify(figures));
	} finally {
		clearTimeout(watchdog);
		await cleanup.run();
	}
}
