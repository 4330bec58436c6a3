// The space's home: each sheet with its record and field counts, and the space's locale
// setting (owners change it here).
import { fail } from '@sveltejs/kit';
import { isAppError } from '$lib/domain/errors';
import { context } from '$lib/server/context';
import { formProblem } from '$lib/server/form-problem';
import { loadOrError, requireActor } from '$lib/server/http';
import { readSpaceOverview } from '$lib/server/services/read-schema';
import { updateSpaceLocale } from '$lib/server/services/spaces';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params }) => {
	return loadOrError(async () => {
		const overview = await readSpaceOverview({
			context: context(),
			actor: requireActor(locals),
			space: params.space
		});
		return { sheets: overview.types };
	});
};

export const actions: Actions = {
	locale: async ({ locals, params, request }) => {
		const form = await request.formData();
		const locale = String(form.get('locale') ?? '');
		const weekStart = String(form.get('weekStart') ?? '');
		try {
			await updateSpaceLocale({
				context: context(),
				actor: requireActor(locals),
				space: params.space,
				input: { locale, weekStart: weekStart === '' ? null : Number(weekStart) }
			});
			return { saved: true };
		} catch (failure) {
			if (!isAppError(failure)) throw failure;
			return fail(
				failure.status,
				formProblem(failure, { locale: 'Locale', weekStart: 'Week start' })
			);
		}
	}
};
