// Live record changes over Server-Sent Events, against the real database and Redis: what a
// stream carries, resume with Last-Event-ID, the window's reset, the types filter, tenant and
// role filtering, heartbeats and clean ends, over both event logs; then the HTTP endpoint and
// two processes joined through Redis.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { inject } from 'vitest';
import type { Actor } from '$lib/server/auth/actor';
import { createApiToken } from '$lib/server/auth/api-tokens';
import type { AppContext } from '$lib/server/context';
import { withActor } from '$lib/server/db';
import { addAttribute } from '$lib/server/services/attributes';
import { createEntityType } from '$lib/server/services/entity-types';
import { followRecordEvents, type RecordEventsInput } from '$lib/server/services/record-events';
import { createRecords, deleteRecords, updateRecords } from '$lib/server/services/records';
import { respondWithEvents } from '$lib/server/transports/sse';
import {
	addMember,
	bootTestApp,
	createSpace,
	createUser,
	stopTestApp,
	type TestUser
} from '../support/app';
import { startAppServer, type AppServer } from '../support/server';
import { changeNamed, isChange, SseReader, type SseFrame } from '../support/sse';

const WINDOW = 100;
const hasRedis = Boolean(inject('redisUrl'));

interface Fixtures {
	owner: TestUser;
	door: TestUser;
	stranger: TestUser;
	space: { id: string; slug: string };
	otherSpace: { id: string; slug: string };
}

/** A space with attendees (some fields readable at the door) and vendors, and a foreign space. */
async function setUp(context: AppContext): Promise<Fixtures> {
	const owner = await createUser(context, 'Events Owner');
	const door = await createUser(context, 'Events Door');
	const stranger = await createUser(context, 'Events Stranger');
	const space = await createSpace(context, owner, 'Events');
	const otherSpace = await createSpace(context, stranger, 'Elsewhere');
	await addMember(context, owner, space.id, door, 'checkin');
	const schema = [
		{ actor: owner.actor, space: space.slug, type: 'Attendees' },
		{ actor: owner.actor, space: space.slug, type: 'Vendors' },
		{ actor: stranger.actor, space: otherSpace.slug, type: 'Attendees' }
	];
	for (const { actor, space: slug, type } of schema) {
		await createEntityType({ context, actor, space: slug, input: { name: type } });
		const fields =
			type === 'Attendees'
				? [
						{ name: 'Name', kind: 'text', checkinAccess: 'read' },
						{ name: 'Email', kind: 'email' },
						{ name: 'Checked in', kind: 'checkbox', checkinAccess: 'write' }
					]
				: [{ name: 'Name', kind: 'text' }];
		for (const input of fields) {
			await addAttribute({ context, actor, space: slug, type: type.toLowerCase(), input });
		}
	}
	return { owner, door, stranger, space, otherSpace };
}

/** Opens a stream in this process exactly as the endpoint does. */
async function follow(
	context: AppContext,
	actor: Actor,
	space: string,
	input: RecordEventsInput = {},
	options: { heartbeatMs?: number; accessCheckMs?: number } = {}
): Promise<SseReader> {
	const abort = new AbortController();
	const response = await respondWithEvents({
		signal: abort.signal,
		heartbeatMs: options.heartbeatMs,
		start: (sink) =>
			followRecordEvents({
				context,
				actor,
				space,
				input,
				sink,
				accessCheckMs: options.accessCheckMs
			})
	});
	if (response.status !== 200) {
		throw Object.assign(new Error(`HTTP ${response.status}`), {
			status: response.status,
			body: await response.json()
		});
	}
	return new SseReader(response, abort);
}

const isReady = (frame: SseFrame) => frame.event === 'ready';
const names = (frames: SseFrame[]) =>
	frames.filter(isChange).map((frame) => JSON.parse(frame.data!).values.name);

const modes = [
	// Redis runs only where REDIS_URL is set or redis-server is installed (.ci/run installs it).
	{ name: 'Redis', env: {}, isAvailable: hasRedis },
	{ name: 'in-process', env: { REDIS_URL: undefined }, isAvailable: true }
];

describe.each(modes)('record events with the $name log', (mode) => {
	describe.skipIf(!mode.isAvailable)('stream', () => {
		let context: AppContext;
		let f: Fixtures;
		const readers: SseReader[] = [];
		const open = async (
			...args: Parameters<typeof follow> extends [unknown, ...infer R] ? R : never
		) => {
			const reader = await follow(context, ...args);
			readers.push(reader);
			return reader;
		};
		const write = {
			create: (values: Record<string, unknown>[], type = 'attendees', space = f.space.slug) =>
				createRecords({ context, actor: f.owner.actor, space, type, values }),
			update: (id: string, values: Record<string, unknown>, type = 'attendees') =>
				updateRecords({
					context,
					actor: f.owner.actor,
					space: f.space.slug,
					type,
					updates: [{ id, values }]
				})
		};

		beforeAll(async () => {
			context = await bootTestApp({ EVENT_LOG_SIZE: String(WINDOW), ...mode.env });
			expect(Boolean(context.kv.redis)).toBe(mode.name === 'Redis');
			f = await setUp(context);
		});
		afterAll(async () => {
			for (const reader of readers) await reader.close();
			await stopTestApp();
		});

		it('streams creates, updates and deletes as JSON keyed by field key, numbered', async () => {
			const reader = await open(f.owner.actor, f.space.slug, { types: 'attendees' });
			await reader.until(isReady);
			const { created } = await write.create([{ name: 'Ada', email: 'ada@example.com' }]);
			const id = created[0]!.id;
			await write.update(id, { checked_in: true });
			await deleteRecords({
				context,
				actor: f.owner.actor,
				space: f.space.slug,
				type: 'attendees',
				ids: [id]
			});
			const frames = (
				await reader.until((frame) => frame.data?.includes('"delete"') ?? false)
			).filter(isChange);
			expect(frames.map((frame) => JSON.parse(frame.data!))).toEqual([
				{
					id,
					type: 'attendees',
					action: 'create',
					values: expect.objectContaining({ name: 'Ada', email: 'ada@example.com' }),
					by: f.owner.id,
					at: expect.any(String)
				},
				{
					id,
					type: 'attendees',
					action: 'update',
					values: { checked_in: true },
					by: f.owner.id,
					at: expect.any(String)
				},
				{
					id,
					type: 'attendees',
					action: 'delete',
					values: {},
					by: f.owner.id,
					at: expect.any(String)
				}
			]);
			// Exactly these keys: the Yjs update and the write's channel stay on the server.
			for (const frame of frames) {
				expect(Object.keys(JSON.parse(frame.data!)).sort()).toEqual([
					'action',
					'at',
					'by',
					'id',
					'type',
					'values'
				]);
			}
			const ids = frames.map((frame) => frame.id!);
			expect(new Set(ids).size).toBe(3);
			expect(ids.every((each) => /^\d+-\d+$/.test(each))).toBe(true);
		});

		it('resumes after Last-Event-ID with exactly the changes missed, in order', async () => {
			const first = await open(f.owner.actor, f.space.slug, { types: 'attendees' });
			await first.until(isReady);
			const { created } = await write.create([{ name: 'start' }]);
			const lastSeen = (await first.until(changeNamed('start'))).at(-1)!.id!;
			await first.close();

			const id = created[0]!.id;
			for (let index = 0; index < 50; index++) await write.update(id, { name: `missed ${index}` });

			const resumed = await open(f.owner.actor, f.space.slug, {
				types: 'attendees',
				lastEventId: lastSeen
			});
			const backlog = await resumed.until(isReady);
			expect(names(backlog)).toEqual(Array.from({ length: 50 }, (_, index) => `missed ${index}`));
			const ids = backlog.filter(isChange).map((frame) => frame.id);
			expect(new Set(ids).size).toBe(50);
			// Live changes follow the backlog without repeating any of it.
			await write.update(id, { name: 'live' });
			const after = await resumed.until(
				changeNamed('live'),
				resumed.frames.indexOf(backlog.at(-1)!) + 1
			);
			expect(names(after)).toEqual(['live']);

			// From the middle: the rest, and nothing before.
			const middle = await open(f.owner.actor, f.space.slug, {
				types: 'attendees',
				lastEventId: ids[24]
			});
			expect(names(await middle.until(isReady))).toEqual([
				...Array.from({ length: 25 }, (_, index) => `missed ${index + 25}`),
				'live'
			]);
		});

		it('sends a change that lands while the stream is starting exactly once', async () => {
			const position = await open(f.owner.actor, f.space.slug);
			const [ready] = await position.until(isReady);
			// The change is committed after the stream subscribed and before it reads its backlog,
			// so it comes both live and in the backlog.
			const read = context.events.read;
			vi.spyOn(context.events, 'read').mockImplementationOnce(async (spaceId, afterId) => {
				await write.create([{ name: 'during start' }]);
				return read(spaceId, afterId);
			});
			const reader = await open(f.owner.actor, f.space.slug, { lastEventId: ready!.id });
			vi.restoreAllMocks();
			await write.create([{ name: 'after start' }]);
			expect(names(await reader.until(changeNamed('after start')))).toEqual([
				'during start',
				'after start'
			]);
		});

		it('answers an id older than the window with reset, and goes on live from there', async () => {
			const reader = await open(f.owner.actor, f.space.slug);
			await reader.until(isReady);
			await write.create([{ name: 'old' }]);
			const oldId = (await reader.until(changeNamed('old'))).at(-1)!.id!;
			await reader.close();
			// Well past the window (Redis trims whole nodes of entries, MAXLEN ~).
			for (let batch = 0; batch < 4; batch++) {
				await write.create(
					Array.from({ length: WINDOW }, (_, index) => ({ name: `bulk ${batch}-${index}` }))
				);
			}
			const stale = await open(f.owner.actor, f.space.slug, { lastEventId: oldId });
			const [reset] = await stale.until(() => true);
			expect(reset).toMatchObject({ event: 'reset', id: expect.stringMatching(/^\d+-\d+$/) });
			await write.create([{ name: 'after reset' }]);
			expect(names(await stale.until(changeNamed('after reset')))).toEqual(['after reset']);
			// The reset's id is a position to resume from.
			const resumed = await open(f.owner.actor, f.space.slug, { lastEventId: reset!.id });
			expect(names(await resumed.until(isReady))).toEqual(['after reset']);
		});

		it('follows only the types asked for, and every type without the filter', async () => {
			const vendors = await open(f.owner.actor, f.space.slug, { types: 'vendors' });
			const everything = await open(f.owner.actor, f.space.slug);
			await vendors.until(isReady);
			await everything.until(isReady);
			await write.create([{ name: 'attendee A' }]);
			await write.create([{ name: 'vendor V' }], 'vendors');
			expect(names(await vendors.until(changeNamed('vendor V')))).toEqual(['vendor V']);
			expect(names(await everything.until(changeNamed('vendor V')))).toEqual([
				'attendee A',
				'vendor V'
			]);
		});

		it("never shows another space's changes, nor a space to a stranger", async () => {
			const reader = await open(f.owner.actor, f.space.slug);
			await reader.until(isReady);
			await createRecords({
				context,
				actor: f.stranger.actor,
				space: f.otherSpace.slug,
				type: 'attendees',
				values: [{ name: 'foreign' }]
			});
			await write.create([{ name: 'own' }]);
			expect(names(await reader.until(changeNamed('own')))).toEqual(['own']);
			await expect(open(f.stranger.actor, f.space.slug)).rejects.toMatchObject({
				status: 404,
				body: { code: 'NOT_FOUND', field: 'space' }
			});
			await expect(open(f.stranger.actor, f.space.id)).rejects.toMatchObject({ status: 404 });
		});

		it('gives a check-in member only the fields and types check-in may read', async () => {
			const door = await open(f.door.actor, f.space.slug);
			await door.until(isReady);
			const { created } = await write.create([
				{ name: 'Grace', email: 'grace@example.com', checked_in: false }
			]);
			const id = created[0]!.id;
			await write.update(id, { email: 'hopper@example.com' });
			await write.create([{ name: 'vendor hidden' }], 'vendors');
			await updateRecords({
				context,
				actor: f.door.actor,
				space: f.space.slug,
				type: 'attendees',
				updates: [{ id, values: { checked_in: true } }]
			});
			const frames = await door.until(
				(frame) => frame.data?.includes('"checked_in":true') ?? false
			);
			expect(frames.filter(isChange).map((frame) => JSON.parse(frame.data!))).toEqual([
				expect.objectContaining({
					id,
					action: 'create',
					values: { name: 'Grace', checked_in: false }
				}),
				expect.objectContaining({
					id,
					action: 'update',
					values: { checked_in: true },
					by: f.door.id
				})
			]);
			expect(JSON.stringify(door.frames)).not.toContain('example.com');
			await expect(open(f.door.actor, f.space.slug, { types: 'vendors' })).rejects.toMatchObject({
				status: 400,
				body: { code: 'INVALID_INPUT', field: 'types' }
			});
		});

		it('refuses bad input with a code and a message naming the field', async () => {
			await expect(
				open(f.owner.actor, f.space.slug, { types: 'attendees,nope' })
			).rejects.toMatchObject({
				status: 400,
				body: { code: 'INVALID_INPUT', field: 'types', message: expect.stringContaining('nope') }
			});
			await expect(open(f.owner.actor, f.space.slug, { types: ' , ' })).rejects.toMatchObject({
				status: 400,
				body: { field: 'types' }
			});
			await expect(
				open(f.owner.actor, f.space.slug, { lastEventId: 'yesterday' })
			).rejects.toMatchObject({
				status: 400,
				body: {
					code: 'INVALID_INPUT',
					field: 'lastEventId',
					message: expect.stringContaining('lastEventId')
				}
			});
		});

		it('sends heartbeat comments on the given interval', async () => {
			const reader = await open(f.owner.actor, f.space.slug, {}, { heartbeatMs: 20 });
			const frames = await reader.until((frame) => frame.comment === 'heartbeat');
			expect(frames.at(-1)).toEqual({ comment: 'heartbeat' });
		});

		it('lets go of its subscription and timers when the client leaves', async () => {
			const original = context.events.subscribe;
			const subscribe = vi.spyOn(context.events, 'subscribe');
			const unsubscribed = vi.fn();
			subscribe.mockImplementationOnce(async (spaceId, listener) => {
				const unsubscribe = await original(spaceId, listener);
				return () => {
					unsubscribed();
					unsubscribe();
				};
			});
			const reader = await open(
				f.owner.actor,
				f.space.slug,
				{},
				{ heartbeatMs: 20, accessCheckMs: 20 }
			);
			await reader.until(isReady);
			subscribe.mockRestore();
			await reader.close();
			expect(unsubscribed).toHaveBeenCalledTimes(1);
		});

		it('ends a stream whose caller lost access to the space', async () => {
			const reader = await open(f.door.actor, f.space.slug, {}, { accessCheckMs: 20 });
			await reader.until(isReady);
			await withActor(context.db.runtime, f.owner.actor, (tx) =>
				tx.query('delete from memberships where space_id = $1 and user_id = $2', [
					f.space.id,
					f.door.id
				])
			);
			await reader.ended;
			await addMember(context, f.owner, f.space.id, f.door, 'checkin');
		});

		it('ends open streams when the app shuts down', async () => {
			const reader = await open(f.owner.actor, f.space.slug);
			await reader.until(isReady);
			await stopTestApp();
			await reader.ended;
			expect(reader.frames.filter(isChange)).toEqual([]);
		});
	});
});

describe.skipIf(!hasRedis)('the events endpoint, across processes joined by Redis', () => {
	let context: AppContext;
	let server: AppServer;
	let f: Fixtures;
	let ownerToken: string;
	const readers: SseReader[] = [];

	beforeAll(async () => {
		context = await bootTestApp();
		f = await setUp(context);
		ownerToken = (
			await createApiToken({
				context,
				actor: f.owner.actor,
				space: f.space.slug,
				input: { name: 'events', role: 'owner' }
			})
		).secret;
		server = await startAppServer();
	}, 120_000);
	afterAll(async () => {
		for (const reader of readers) await reader.close();
		await server?.stop();
		await stopTestApp();
	});

	async function get(path: string, headers: Record<string, string> = {}) {
		const abort = new AbortController();
		const response = await fetch(`${server.url}/api/spaces/${f.space.slug}${path}`, {
			headers: { authorization: `Bearer ${ownerToken}`, ...headers },
			signal: abort.signal
		});
		return { response, abort };
	}

	async function stream(path: string, headers: Record<string, string> = {}) {
		const { response, abort } = await get(path, headers);
		if (response.status !== 200)
			throw new Error(`HTTP ${response.status}: ${await response.text()}`);
		const reader = new SseReader(response, abort);
		readers.push(reader);
		return reader;
	}

	const rest = (values: Record<string, unknown>[]) =>
		fetch(`${server.url}/api/spaces/${f.space.slug}/rest/attendees`, {
			method: 'POST',
			headers: { authorization: `Bearer ${ownerToken}`, 'content-type': 'application/json' },
			body: JSON.stringify(values)
		}).then((response) => expect(response.status).toBe(201));

	it('serves text/event-stream to a token holder and errors in the API shape to others', async () => {
		const { response, abort } = await get('/events?types=attendees');
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
		expect(response.headers.get('cache-control')).toContain('no-cache');
		abort.abort();

		const anonymous = await fetch(`${server.url}/api/spaces/${f.space.slug}/events`);
		expect(anonymous.status).toBe(401);
		expect(await anonymous.json()).toMatchObject({ code: 'UNAUTHORIZED' });
		const unknown = await get('/events?types=nope');
		expect(unknown.response.status).toBe(400);
		expect(await unknown.response.json()).toMatchObject({ code: 'INVALID_INPUT', field: 'types' });
		const foreign = await fetch(`${server.url}/api/spaces/${f.otherSpace.slug}/events`, {
			headers: { authorization: `Bearer ${ownerToken}` }
		});
		expect(foreign.status).toBe(404);
		expect(await foreign.json()).toMatchObject({ code: 'NOT_FOUND' });
	});

	it('delivers a change written in one process to streams of the other, both ways', async () => {
		const local = await follow(context, f.owner.actor, f.space.slug, { types: 'attendees' });
		readers.push(local);
		const remote = await stream('/events?types=attendees');
		await local.until(isReady);
		await remote.until(isReady);

		await rest([{ name: 'via REST on the server' }]);
		await createRecords({
			context,
			actor: f.owner.actor,
			space: f.space.slug,
			type: 'attendees',
			values: [{ name: 'via this process' }]
		});
		const expected = ['via REST on the server', 'via this process'];
		expect(names(await local.until(changeNamed('via this process')))).toEqual(expected);
		expect(names(await remote.until(changeNamed('via this process')))).toEqual(expected);
		// Both processes number the same event the same way: it is one stream.
		expect(local.changes().map((change) => change.eventId)).toEqual(
			remote.changes().map((change) => change.eventId)
		);
	});

	it('resumes from the Last-Event-ID header, which wins over the query parameter', async () => {
		const first = await stream('/events?types=attendees');
		await first.until(isReady);
		await rest([{ name: 'before' }]);
		const beforeId = (await first.until(changeNamed('before'))).at(-1)!.id!;
		await rest([{ name: 'seen' }]);
		const seenId = (await first.until(changeNamed('seen'))).at(-1)!.id!;
		await first.close();
		for (let index = 0; index < 5; index++) await rest([{ name: `missed ${index}` }]);

		// As EventSource reconnects: the header carries the newer id, the URL still the first.
		const resumed = await stream(`/events?types=attendees&lastEventId=${beforeId}`, {
			'last-event-id': seenId
		});
		expect(names(await resumed.until(isReady))).toEqual(
			Array.from({ length: 5 }, (_, index) => `missed ${index}`)
		);
		const byQuery = await stream(`/events?types=attendees&lastEventId=${seenId}`);
		expect(names(await byQuery.until(isReady))).toHaveLength(5);
	});
});
