// Who a request acts as. Services take an actor, never a raw user id from the client.
import type { AuditVia } from '$lib/domain/record-change';
import type { Role } from '$lib/domain/roles';
import type { TokenScope } from '$lib/domain/token-scopes';

export interface Actor {
	userId: string;
	/**
	 * Set when the request came with an API token: the token is scoped to one space and role,
	 * and may do only what its scopes say (domain/token-scopes.ts).
	 */
	token?: { id: string; spaceId: string; role: Role; scopes: TokenScope[] };
	/** Set when the request came with a session cookie: the server-side session it names. */
	sessionId?: string;
	via: AuditVia;
}
