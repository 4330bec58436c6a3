// The caller's API tokens in this space: list, create (the secret is shown once), revoke.
import { fail } from '@sveltejs/kit';
import { isAppError } from '$lib/domain/errors';
import { formProblem } from '$lib/server/form-problem';
import { createApiToken, listApiTokens, revokeApiToken } from '$lib/server/auth/api-tokens';
import { context } from '$lib/server/context';
import { loadOrError, requireActor } from '$lib/server/http';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	return loadOrError(async () => {
		const tokens = await listApiTokens({
			context: context(),
			actor: requireActor(locals),
			space: params.space
		});
		return { tokens };
	});
};

const text = (form: FormData, name: string) => {
	const value = form.get(name);
	return typeof value === 'string' ? value.trim() : '';
};

const labels = { name: 'Name', role: 'Role', scopes: 'Scopes', expiresInDays: 'Expiry' };

export const actions: Actions = {
	create: async ({ locals, params, request }) => {
		const form = await request.formData();
		const name = text(form, 'name');
		const role = text(form, 'role');
		const scopes = form.getAll('scopes').filter((scope) => typeof scope === 'string');
		const expires = text(form, 'expiresInDays');
		try {
			const token = await createApiToken({
				context: context(),
				actor: requireActor(locals),
				space: params.space,
				input: { name, role, scopes, ...(expires && { expiresInDays: Number(expires) }) }
			});
			return { action: 'create' as const, created: { name: token.name, secret: token.secret } };
		} catch (failure) {
			if (!isAppError(failure)) throw failure;
			return fail(failure.status, { action: 'create', name, ...formProblem(failure, labels) });
		}
	},

	revoke: async ({ locals, params, request }) => {
		const form = await request.formData();
		const id = text(form, 'id');
		try {
			await revokeApiToken({
				context: context(),
				actor: requireActor(locals),
				space: params.space,
				id
			});
			return { action: 'revoke' as const, id };
		} catch (failure) {
			if (!isAppError(failure)) throw failure;
			return fail(failure.status, { action: 'revoke', id, ...formProblem(failure, labels) });
		}
	}
};
