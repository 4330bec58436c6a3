// A comment on a record as the record page receives it (services/comments.ts fills it).

export interface RecordComment {
	id: string;
	body: string;
	createdAt: string;
	/** Null when the author's account is gone. */
	author: { id: string; name: string } | null;
	/** The members the body mentions, in the order first named. */
	mentions: { id: string; name: string }[];
	/** Whether the caller may delete it: their own, or any when they own the space. */
	canDelete: boolean;
}
