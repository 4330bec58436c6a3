// Signals: small "look again" messages that keep open pages current without a reload (a comment
// added, the schema changed, the inbox grew). A signal names what changed, never its content: a
// page that hears one reads the thing again under its own access, so nothing a role may not see
// can travel in a signal. Shared by the server (GET /api/signals) and the browser's feed.

/** A record's comments changed (added or deleted); `count` is how many it has now. */
export interface CommentsSignal {
	kind: 'comments';
	spaceId: string;
	typeId: string;
	recordId: string;
	count: number;
}

/** The space's record types or fields changed: load the schema again. */
export interface SchemaSignal {
	kind: 'schema';
	spaceId: string;
}

/** Someone's inbox changed (a notification added or read). Only its owner hears it. */
export interface InboxSignal {
	kind: 'inbox';
	userId: string;
}

export type Signal = CommentsSignal | SchemaSignal | InboxSignal;

/** SSE event names of the signal stream. Heartbeats are comment lines. */
export const SignalEventName = {
	/** `data` is a CommentsSignal. */
	Comments: 'comments',
	/** `data` is `{ spaceId }`. */
	Schema: 'schema',
	/** `data` is `{ unread }`: the caller's unread notifications; sent first, then on change. */
	Inbox: 'inbox'
} as const;

export interface InboxCount {
	unread: number;
}
