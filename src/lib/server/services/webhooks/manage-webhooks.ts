// A space's webhooks, for its owners: add one (its secret is shown once), list, switch on or
// off, remove; read the delivery log and send a delivery again.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import { isUuid } from '$lib/domain/ids';
import { webhookEvents, type WebhookDeliveryInfo, type WebhookInfo } from '$lib/domain/webhooks';
import type { Actor } from '../../auth/actor';
import type { AppContext } from '../../context';
import { inSpace, requireSignedIn } from '../scope';
import { parseInput } from '../validate';
import { webhookDispatch } from './dispatch';
import { sealSecret } from './seal';

const createInput = z.object({
	url: z
		.url({ protocol: /^https?$/, error: 'must be an http or https URL' })
		.max(2048, 'is limited to 2048 characters'),
	events: z.array(z.enum(webhookEvents)).min(1, 'choose at least one event')
});

const updateInput = z.object({ isActive: z.boolean() });

/**
 * A webhook keeps sending the space's data out after the token that made it is revoked, so no
 * scope grants it: a signed-in owner manages webhooks and reads their log.
 */
function requireOwner(actor: Actor, role: string): void {
	requireSignedIn(actor, 'manage webhooks');
	if (role !== 'owner') {
		throw new AppError(AppErrorCode.Forbidden, 'Only owners manage webhooks');
	}
}

const webhookColumns = `id, url, events, is_active as "isActive", consecutive_failures as "consecutiveFailures",
  disabled_reason as "disabledReason", created_at as "createdAt"`;

const notFound = (id: string) =>
	new AppError(AppErrorCode.NotFound, `Webhook ${id} not found`, { field: 'id' });

export async function createWebhook(options: {
	context: AppContext;
	actor: Actor;
	space: string;
	input: unknown;
}): Promise<WebhookInfo & { secret: string }> {
	const input = parseInput(createInput, options.input);
	const { context, actor } = options;
	let spaceId = '';
	const created = await inSpace(context, actor, options.space, async ({ tx, space }) => {
		spaceId = space.id;
		requireOwner(actor, space.role);
		const secret = `whsec_${randomBytes(24).toString('base64url')}`;
		const { rows } = await tx.query<WebhookInfo>(
			`insert into webhooks (space_id, url, events, secret_sealed, created_by) values ($1, $2, $3, $4, $5)
			 returning ${webhookColumns}`,
			[
				space.id,
				input.url,
				[...new Set(input.events)],
				sealSecret(context.authSecret, secret),
				actor.userId
			]
		);
		return { ...rows[0]!, secret };
	});
	webhookDispatch()?.forget(spaceId);
	return created;
}

export function listWebhooks(options: {
	context: AppContext;
	actor: Actor;
	space: string;
}): Promise<WebhookInfo[]> {
	return inSpace(options.context, options.actor, options.space, async ({ tx, space }) => {
		requireOwner(options.actor, space.role);
		const { rows } = await tx.query<WebhookInfo>(
			`select ${webhookColumns} from webhooks where space_id = $1 order by created_at`,
			[space.id]
		);
		return rows;
	});
}

/** Switches a webhook on (again, after it was switched off for failing) or off. */
export function updateWebhook(options: {
	context: AppContext;
	actor: Actor;
	space: string;
	id: string;
	input: unknown;
}): Promise<WebhookInfo> {
	const input = parseInput(updateInput, options.input);
	return inSpace(options.context, options.actor, options.space, async ({ tx, space }) => {
		requireOwner(options.actor, space.role);
		if (!isUuid(options.id)) throw notFound(options.id);
		const { rows } = await tx.query<WebhookInfo>(
			`update webhooks set is_active = $3,
			   consecutive_failures = case when $3 then 0 else consecutive_failures end,
			   disabled_reason = case when $3 then null else disabled_reason end
			 where space_id = $1 and id = $2 returning ${webhookColumns}`,
			[space.id, options.id, input.isActive]
		);
		if (!rows[0]) throw notFound(options.id);
		return rows[0];
	});
}

export function deleteWebhook(options: {
	context: AppContext;
	actor: Actor;
	space: string;
	id: string;
}): Promise<void> {
	return inSpace(options.context, options.actor, options.space, async ({ tx, space }) => {
		requireOwner(options.actor, space.role);
		if (!isUuid(options.id)) throw notFound(options.id);
		const { rowCount } = await tx.query('delete from webhooks where space_id = $1 and id = $2', [
			space.id,
			options.id
		]);
		if (!rowCount) throw notFound(options.id);
	});
}

const deliveryColumns = `id, webhook_id as "webhookId", event, state, attempts, response_status as "responseStatus",
  error, created_at as "createdAt", last_attempt_at as "lastAttemptAt"`;

export function listDeliveries(options: {
	context: AppContext;
	actor: Actor;
	space: string;
	id: string;
}): Promise<WebhookDeliveryInfo[]> {
	return inSpace(options.context, options.actor, options.space, async ({ tx, space }) => {
		requireOwner(options.actor, space.role);
		if (!isUuid(options.id)) throw notFound(options.id);
		const { rows } = await tx.query<WebhookDeliveryInfo>(
			`select ${deliveryColumns} from webhook_deliveries where space_id = $1 and webhook_id = $2
			  order by created_at desc limit 100`,
			[space.id, options.id]
		);
		return rows;
	});
}

/** Sends a delivery again, as a new delivery with the same event and payload. */
export async function replayDelivery(options: {
	context: AppContext;
	actor: Actor;
	space: string;
	id: string;
}): Promise<WebhookDeliveryInfo> {
	const { context } = options;
	const delivery = await inSpace(context, options.actor, options.space, async ({ tx, space }) => {
		requireOwner(options.actor, space.role);
		if (!isUuid(options.id))
			throw new AppError(AppErrorCode.NotFound, `Delivery ${options.id} not found`, {
				field: 'id'
			});
		const { rows } = await tx.query<WebhookDeliveryInfo>(
			`insert into webhook_deliveries (webhook_id, space_id, event, payload)
			 select webhook_id, space_id, event, payload from webhook_deliveries where space_id = $1 and id = $2
			 returning ${deliveryColumns}`,
			[space.id, options.id]
		);
		if (!rows[0])
			throw new AppError(AppErrorCode.NotFound, `Delivery ${options.id} not found`, {
				field: 'id'
			});
		return rows[0];
	});
	await context.jobs.send('webhook-delivery', { deliveryId: delivery.id });
	return delivery;
}
