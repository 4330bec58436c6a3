// An item of a person's inbox as the inbox page receives it (services/notifications.ts).

export const notificationKinds = ['mention', 'assigned', 'comment', 'change'] as const;
export type NotificationKind = (typeof notificationKinds)[number];

export interface InboxItem {
	id: string;
	kind: NotificationKind;
	space: { slug: string; name: string };
	type: { key: string; name: string };
	record: { id: string; title: string };
	/** Who caused it; null when their account is gone. */
	actor: { id: string; name: string } | null;
	/** The start of the comment, the field assigned, or the fields changed. */
	summary: string;
	createdAt: string;
	isRead: boolean;
}

export interface Inbox {
	items: InboxItem[];
	unread: number;
}

/** What an item says happened, after the actor's name. */
export const notificationVerbs: Record<NotificationKind, string> = {
	mention: 'mentioned you on',
	assigned: 'assigned you to',
	comment: 'commented on',
	change: 'changed'
};
