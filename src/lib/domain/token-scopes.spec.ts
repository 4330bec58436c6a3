import { describe, expect, it } from 'vitest';
import { roles } from './roles';
import { defaultScopes, isTokenScope, scopesOfRole, tokenScopes } from './token-scopes';

describe('token scopes', () => {
	it('lets every role read, and only owners manage members', () => {
		for (const role of roles) {
			expect(scopesOfRole[role]).toContain('read');
			expect(scopesOfRole[role].includes('members')).toBe(role === 'owner');
		}
		expect(scopesOfRole.viewer).toEqual(['read']);
	});

	it('never gives members unasked, and otherwise what the role allows', () => {
		expect(defaultScopes('owner')).toEqual(['read', 'write', 'schema']);
		expect(defaultScopes('editor')).toEqual(['read', 'write', 'schema']);
		expect(defaultScopes('checkin')).toEqual(['read', 'write']);
		expect(defaultScopes('viewer')).toEqual(['read']);
	});

	it('knows its words and nothing else', () => {
		expect(tokenScopes.every(isTokenScope)).toBe(true);
		for (const value of ['admin', 'READ', '', null, 1]) expect(isTokenScope(value)).toBe(false);
	});
});
