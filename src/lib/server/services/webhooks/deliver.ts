// The delivery job: one POST of one event to one webhook, signed, with a timeout, never
// following redirects and never to a private address unless the operator allowed it. A failure
// throws so the queue retries with backoff; the last attempt's failure counts against the hook,
// which is switched off after WEBHOOK_FAILURE_LIMIT of them in a row.
import { lookup } from 'node:dns/promises';
import { isPrivateAddress } from '$lib/domain/webhooks';
import type { AppContext } from '../../context';
import type { Attempt } from '../../jobs/queue';
import { openSecret } from './seal';
import { signatureHeader } from './sign';

const TIMEOUT_MS = 10_000;

interface DeliveryRow {
	id: string;
	space_id: string;
	webhook_id: string;
	url: string;
	secret_sealed: string;
	is_active: boolean;
	event: string;
	payload: object;
	state: string;
	attempts: number;
	created_at: Date;
}

class DeliveryFailure extends Error {
	constructor(
		message: string,
		readonly status: number | null = null,
		readonly isRetryable = true
	) {
		super(message);
	}
}

async function checkAddress(url: URL, allowPrivate: boolean): Promise<void> {
	if (allowPrivate) return;
	const host = url.hostname.replace(/^\[|\]$/g, '');
	const addresses = await lookup(host, { all: true }).catch(() => {
		throw new DeliveryFailure(`The host ${host} could not be resolved`);
	});
	if (addresses.some((address) => isPrivateAddress(address.address))) {
		throw new DeliveryFailure(
			`${host} resolves to a private address; webhooks may not reach it`,
			null,
			false
		);
	}
}

export async function deliverWebhook(
	context: AppContext,
	job: { deliveryId: string },
	attempt: Attempt
): Promise<void> {
	const { rows } = await context.db.runtime.query<DeliveryRow>(
		'select * from app_webhook_delivery($1)',
		[job.deliveryId]
	);
	const delivery = rows[0];
	if (!delivery || delivery.state === 'delivered') return;
	const record = async (
		isDelivered: boolean,
		isFinal: boolean,
		status: number | null,
		error: string | null
	) => {
		const result = await context.db.runtime.query<{ switched: boolean }>(
			'select app_record_webhook_attempt($1, $2, $3, $4, $5, $6) as switched',
			[delivery.id, isDelivered, isFinal, status, error, context.config.WEBHOOK_FAILURE_LIMIT]
		);
		if (result.rows[0]?.switched) {
			console.warn(
				`Webhook ${delivery.webhook_id} of space ${delivery.space_id} was switched off: ${error}`
			);
		}
	};
	try {
		if (!delivery.is_active) throw new DeliveryFailure('The webhook is switched off', null, false);
		const url = new URL(delivery.url);
		await checkAddress(url, context.config.WEBHOOK_ALLOW_PRIVATE);
		const body = JSON.stringify({
			id: delivery.id,
			event: delivery.event,
			spaceId: delivery.space_id,
			createdAt: delivery.created_at.toISOString(),
			data: delivery.payload
		});
		const secret = openSecret(context.authSecret, delivery.secret_sealed);
		let response: Response;
		try {
			response = await fetch(url, {
				method: 'POST',
				redirect: 'manual',
				signal: AbortSignal.timeout(TIMEOUT_MS),
				headers: {
					'content-type': 'application/json',
					'user-agent': 'Roster-Webhooks/1',
					'roster-event': delivery.event,
					'roster-delivery': delivery.id,
					'roster-signature': signatureHeader(secret, body, Math.floor(Date.now() / 1000))
				},
				body
			});
		} catch (error) {
			throw new DeliveryFailure(`The request failed: ${(error as Error).message}`);
		}
		await response.body?.cancel().catch(() => undefined);
		if (response.status < 200 || response.status >= 300) {
			throw new DeliveryFailure(`The receiver answered HTTP ${response.status}`, response.status);
		}
		await record(true, false, response.status, null);
	} catch (error) {
		if (!(error instanceof DeliveryFailure)) throw error;
		const isFinal = attempt.isFinal || !error.isRetryable;
		await record(false, isFinal, error.status, error.message);
		if (!isFinal) throw error;
	}
}
