// What an API token may do, chosen when it is made. A token acts as its creator in one space,
// with at most their role; its scopes narrow that further, one word per kind of use case. A
// signed-in person has every scope their role allows. The database holds the same rules
// (0008_token_scopes) as the second wall.
import type { Role } from './roles';

export const tokenScopes = ['read', 'write', 'schema', 'members'] as const;
export type TokenScope = (typeof tokenScopes)[number];

export const tokenScopeLabels: Record<TokenScope, { label: string; description: string }> = {
	read: {
		label: 'Read',
		description: 'Records, fields, views and history. Every token reads.'
	},
	write: {
		label: 'Write records',
		description: 'Add, change and delete records; imports, comments, files, check-in.'
	},
	schema: {
		label: 'Change structure',
		description: 'Record types, fields and views.'
	},
	members: {
		label: 'Manage members',
		description: 'Invite people, change roles, remove members.'
	}
};

/** The scopes a role allows: a token of that role may hold these and no others. */
export const scopesOfRole: Record<Role, readonly TokenScope[]> = {
	owner: ['read', 'write', 'schema', 'members'],
	editor: ['read', 'write', 'schema'],
	viewer: ['read'],
	// A check-in token reads the check-in fields and checks people in.
	checkin: ['read', 'write']
};

/**
 * What a token of `role` gets when its maker names no scopes: what the role allows, except
 * managing members, which is never given unasked (a token that can invite can make a person
 * who outlives it).
 */
export const defaultScopes = (role: Role): TokenScope[] =>
	scopesOfRole[role].filter((scope) => scope !== 'members');

export const isTokenScope = (value: unknown): value is TokenScope =>
	tokenScopes.includes(value as TokenScope);
