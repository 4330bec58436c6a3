// From changes to deliveries: after a change commits (in whichever process made it), each
// active webhook of its space that wants the event gets a delivery row and a job. The request
// that made the change has already been answered; nothing here runs on its path.
import type { WebhookEvent } from '$lib/domain/webhooks';
import type { RecordChange } from '$lib/domain/record-change';
import type { AppContext } from '../../context';

const actionEvents: Record<RecordChange['action'], WebhookEvent> = {
	create: 'record.created',
	update: 'record.updated',
	delete: 'record.deleted'
};

// Most spaces have no webhook: remember that for a few seconds instead of asking Postgres on
// every live edit. A webhook added in another process starts receiving within this long.
const QUIET_MS = 10_000;

export interface WebhookDispatch {
	/** Records deliveries of `event` for the space's webhooks and queues them. */
	emit(spaceId: string, event: WebhookEvent, payloads: object[]): Promise<void>;
	/** Forget that a space had no webhooks (one was just added here). */
	forget(spaceId: string): void;
	stop(): void;
}

export function startWebhookDispatch(context: AppContext): WebhookDispatch {
	const quietUntil = new Map<string, number>();
	const emit = async (spaceId: string, event: WebhookEvent, payloads: object[]) => {
		if (!payloads.length || (quietUntil.get(spaceId) ?? 0) > Date.now()) return;
		const { rows } = await context.db.runtime.query<{ delivery_id: string }>(
			'select delivery_id from app_enqueue_webhook_deliveries($1, $2, $3::jsonb[])',
			[spaceId, event, payloads.map((payload) => JSON.stringify(payload))]
		);
		if (!rows.length) {
			const { rows: hooks } = await context.db.runtime.query<{ has: boolean }>(
				'select app_space_has_webhooks($1) as has',
				[spaceId]
			);
			if (!hooks[0]?.has) quietUntil.set(spaceId, Date.now() + QUIET_MS);
			return;
		}
		for (const row of rows)
			await context.jobs.send('webhook-delivery', { deliveryId: row.delivery_id });
	};
	const unsubscribe = context.changes.subscribe((changes) => {
		const groups = new Map<string, { spaceId: string; event: WebhookEvent; payloads: object[] }>();
		for (const change of changes) {
			// An import tells its webhooks once, when it has finished (import.finished).
			if (change.via === 'import') continue;
			const event = actionEvents[change.action];
			const key = `${change.spaceId}:${event}`;
			const group = groups.get(key) ?? { spaceId: change.spaceId, event, payloads: [] };
			group.payloads.push({
				sheet: { id: change.entityTypeId, key: change.entityTypeKey },
				record: { id: change.entityId, values: change.values },
				actor: { id: change.actorId, via: change.via },
				occurredAt: change.at
			});
			groups.set(key, group);
		}
		for (const group of groups.values()) {
			emit(group.spaceId, group.event, group.payloads).catch((error) =>
				console.error('Webhook deliveries could not be queued', error)
			);
		}
	});
	const dispatch: WebhookDispatch = {
		emit,
		forget: (spaceId) => quietUntil.delete(spaceId),
		stop: unsubscribe
	};
	context.onClose(async () => unsubscribe());
	(globalThis as Record<symbol, unknown>)[slot] = dispatch;
	return dispatch;
}

const slot = Symbol.for('roster.webhooks');

/** The process's dispatcher, when it runs one (the app and the worker do; most tests do not). */
export function webhookDispatch(): WebhookDispatch | undefined {
	return (globalThis as Record<symbol, unknown>)[slot] as WebhookDispatch | undefined;
}
