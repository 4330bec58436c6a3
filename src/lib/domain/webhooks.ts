// Webhooks as the browser and the server both see them: the events a space can send, and the
// shapes the owners' page shows.

export const webhookEvents = [
	'record.created',
	'record.updated',
	'record.deleted',
	'import.finished'
] as const;
export type WebhookEvent = (typeof webhookEvents)[number];

export interface WebhookInfo {
	id: string;
	url: string;
	events: WebhookEvent[];
	isActive: boolean;
	consecutiveFailures: number;
	disabledReason: string | null;
	createdAt: string;
}

export interface WebhookDeliveryInfo {
	id: string;
	webhookId: string;
	event: WebhookEvent;
	state: 'pending' | 'delivered' | 'failed';
	attempts: number;
	responseStatus: number | null;
	error: string | null;
	createdAt: string;
	lastAttemptAt: string | null;
}

/**
 * Addresses a webhook must not reach unless the operator allows it: loopback, private ranges,
 * link-local (cloud metadata lives at 169.254.169.254), and their IPv6 kin. Without this check
 * an owner could make the server probe its own network.
 */
export function isPrivateAddress(address: string): boolean {
	const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
	const parts = v4.split('.').map(Number);
	if (
		parts.length === 4 &&
		parts.every((part) => Number.isInteger(part) && part >= 0 && part <= 255)
	) {
		const [a, b] = parts as [number, number, number, number];
		return (
			a === 0 ||
			a === 10 ||
			a === 127 ||
			(a === 100 && b >= 64 && b <= 127) ||
			(a === 169 && b === 254) ||
			(a === 172 && b >= 16 && b <= 31) ||
			(a === 192 && b === 168) ||
			a >= 224
		);
	}
	const v6 = address.toLowerCase();
	return (
		v6 === '::' ||
		v6 === '::1' ||
		v6.startsWith('fc') ||
		v6.startsWith('fd') ||
		v6.startsWith('fe80') ||
		v6.startsWith('ff')
	);
}
