// Webhooks against a real receiver on loopback, with the real job queue: a change becomes a
// signed delivery; a receiver that keeps failing gets retries, then its hook is switched off
// with the reason; the owner reads the log, switches the hook back on and replays.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '$lib/domain/errors';
import type { AppContext } from '$lib/server/context';
import { startJobWorkers } from '$lib/server/jobs/workers';
import { addAttribute } from '$lib/server/services/attributes';
import { createEntityType } from '$lib/server/services/entity-types';
import { createRecords, updateRecords } from '$lib/server/services/records';
import {
	createWebhook,
	listDeliveries,
	listWebhooks,
	replayDelivery,
	startWebhookDispatch,
	updateWebhook,
	verifySignature
} from '$lib/server/services/webhooks';
import {
	addMember,
	bootTestApp,
	createSpace,
	createUser,
	stopTestApp,
	type TestUser
} from '../support/app';

interface Received {
	headers: http.IncomingHttpHeaders;
	body: string;
}

let context: AppContext;
let owner: TestUser;
let editor: TestUser;
let space: { id: string; slug: string };
let receiver: http.Server;
let url = '';
let answer = 200;
const received: Received[] = [];

beforeAll(async () => {
	// Loopback is private: the receiver lives there. One retry keeps the failure case short.
	context = await bootTestApp({
		WEBHOOK_ALLOW_PRIVATE: 'true',
		WEBHOOK_RETRY_LIMIT: '1',
		WEBHOOK_FAILURE_LIMIT: '2'
	});
	await startJobWorkers(context);
	startWebhookDispatch(context);
	owner = await createUser(context, 'Hook Owner');
	editor = await createUser(context, 'Hook Editor');
	space = await createSpace(context, owner, 'Hooks');
	await addMember(context, owner, space.id, editor, 'editor');
	await createEntityType({
		context,
		actor: owner.actor,
		space: space.slug,
		input: { name: 'Guests' }
	});
	await addAttribute({
		context,
		actor: owner.actor,
		space: space.slug,
		type: 'guests',
		input: { name: 'Name', kind: 'text' }
	});
	receiver = http.createServer((request, response) => {
		let body = '';
		request.on('data', (chunk) => (body += chunk));
		request.on('end', () => {
			received.push({ headers: request.headers, body });
			response.writeHead(answer).end();
		});
	});
	await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
	url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});

afterAll(async () => {
	receiver?.close();
	await stopTestApp();
});

async function until<T>(read: () => Promise<T>, isDone: (value: T) => boolean): Promise<T> {
	for (let attempt = 0; attempt < 300; attempt++) {
		const value = await read();
		if (isDone(value)) return value;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	throw new Error('timed out');
}

describe('webhooks', () => {
	it('only owners manage them, and a URL must be http(s)', async () => {
		const refused = await createWebhook({
			context,
			actor: editor.actor,
			space: space.slug,
			input: { url, events: ['record.created'] }
		}).catch((error: unknown) => error);
		expect(refused).toBeInstanceOf(AppError);
		expect((refused as AppError).code).toBe('FORBIDDEN');
		const bad = await createWebhook({
			context,
			actor: owner.actor,
			space: space.slug,
			input: { url: 'ftp://example.com/x', events: ['record.created'] }
		}).catch((error: unknown) => error);
		expect((bad as AppError).field).toBe('url');
	});

	it('sends a signed delivery for a change, off the request path', async () => {
		const hook = await createWebhook({
			context,
			actor: owner.actor,
			space: space.slug,
			input: { url, events: ['record.created', 'record.updated'] }
		});
		expect(hook.secret).toMatch(/^whsec_/);
		const { created } = await createRecords({
			context,
			actor: owner.actor,
			space: space.slug,
			type: 'guests',
			values: [{ name: 'Ada' }]
		});
		const delivery = await until(
			async () => received.find((entry) => entry.body.includes(created[0]!.id)),
			Boolean
		);
		expect(delivery!.headers['roster-event']).toBe('record.created');
		const signature = String(delivery!.headers['roster-signature']);
		expect(
			verifySignature(hook.secret, delivery!.body, signature, {
				nowSeconds: Math.floor(Date.now() / 1000),
				toleranceSeconds: 300
			})
		).toBe(true);
		expect(
			verifySignature('whsec_wrong', delivery!.body, signature, {
				nowSeconds: Math.floor(Date.now() / 1000),
				toleranceSeconds: 300
			})
		).toBe(false);
		const body = JSON.parse(delivery!.body);
		expect(body).toMatchObject({
			event: 'record.created',
			spaceId: space.id,
			data: { record: { id: created[0]!.id, values: { name: 'Ada' } }, sheet: { key: 'guests' } }
		});
		const log = await until(
			() => listDeliveries({ context, actor: owner.actor, space: space.slug, id: hook.id }),
			(deliveries) => deliveries.some((entry) => entry.state === 'delivered')
		);
		expect(log[0]).toMatchObject({
			event: 'record.created',
			state: 'delivered',
			responseStatus: 200
		});
		// The hook stays in place for the next test, switched off so it does not mix in.
		await updateWebhook({
			context,
			actor: owner.actor,
			space: space.slug,
			id: hook.id,
			input: { isActive: false }
		});
	});

	it('retries, switches a failing hook off with the reason, and replays once it is back', async () => {
		answer = 500;
		const hook = await createWebhook({
			context,
			actor: owner.actor,
			space: space.slug,
			input: { url, events: ['record.updated'] }
		});
		const { created } = await createRecords({
			context,
			actor: owner.actor,
			space: space.slug,
			type: 'guests',
			values: [{ name: 'Grace' }, { name: 'Linus' }]
		});
		for (const record of created) {
			await updateRecords({
				context,
				actor: owner.actor,
				space: space.slug,
				type: 'guests',
				updates: [{ id: record.id, values: { name: `${record.name} (updated)` } }]
			});
		}
		const [switchedOff] = await until(
			async () =>
				(await listWebhooks({ context, actor: owner.actor, space: space.slug })).filter(
					(each) => each.id === hook.id
				),
			(hooks) => hooks[0]?.isActive === false
		);
		expect(switchedOff!.disabledReason).toMatch(/after 2 deliveries in a row failed.*HTTP 500/);
		const log = await listDeliveries({
			context,
			actor: owner.actor,
			space: space.slug,
			id: hook.id
		});
		expect(log.map((entry) => [entry.state, entry.attempts, entry.responseStatus])).toEqual([
			['failed', 2, 500],
			['failed', 2, 500]
		]);

		answer = 200;
		await updateWebhook({
			context,
			actor: owner.actor,
			space: space.slug,
			id: hook.id,
			input: { isActive: true }
		});
		await replayDelivery({ context, actor: owner.actor, space: space.slug, id: log[0]!.id });
		const after = await until(
			() => listDeliveries({ context, actor: owner.actor, space: space.slug, id: hook.id }),
			(deliveries) => deliveries.some((entry) => entry.state === 'delivered')
		);
		expect(after).toHaveLength(3);
		expect(after.find((entry) => entry.state === 'delivered')).toMatchObject({
			attempts: 1,
			responseStatus: 200
		});
	});
});
