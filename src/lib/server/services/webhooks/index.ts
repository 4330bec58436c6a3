// Webhooks: the owners' use cases, the dispatcher from changes to deliveries, the delivery job.
export {
	createWebhook,
	deleteWebhook,
	listDeliveries,
	listWebhooks,
	replayDelivery,
	updateWebhook
} from './manage-webhooks';
export { startWebhookDispatch, webhookDispatch, type WebhookDispatch } from './dispatch';
export { deliverWebhook } from './deliver';
export { signatureHeader, verifySignature } from './sign';
