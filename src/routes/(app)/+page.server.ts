// `/`: straight into the space the user was in last (or their first), or, with no space yet,
// an empty state that creates one. The create action is also what the space switcher posts to.
import { fail, redirect } from '@sveltejs/kit';
import { isAppError } from '$lib/domain/errors';
import { formProblem } from '$lib/server/form-problem';
import { LAST_SPACE_COOKIE } from '$lib/cookies';
import { context } from '$lib/server/context';
import { requireActor } from '$lib/server/http';
import { createSpace } from '$lib/server/services/spaces';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ parent, cookies, url }) => {
	const { spaces } = await parent();
	// `?space=` is where an accepted invitation sends the new member.
	const wanted = url.searchParams.get('space') ?? cookies.get(LAST_SPACE_COOKIE);
	const target = spaces.find((space) => space.slug === wanted) ?? spaces[0];
	if (target) redirect(303, `/s/${encodeURIComponent(target.slug)}`);
	return {};
};

const text = (form: FormData, name: string) => {
	const value = form.get(name);
	return typeof value === 'string' ? value.trim() : '';
};

export const actions: Actions = {
	createSpace: async ({ locals, request }) => {
		const form = await request.formData();
		const name = text(form, 'name');
		const slug = text(form, 'slug');
		let created;
		try {
			created = await createSpace({
				context: context(),
				actor: requireActor(locals),
				input: { name, ...(slug && { slug }) }
			});
		} catch (error) {
			if (!isAppError(error)) throw error;
			const problem = formProblem(error, { name: 'Space name', slug: 'Address' });
			// A slug made from the name is refused as "slug": point at the name then.
			if (problem.field === 'slug' && !slug) {
				problem.field = 'name';
				problem.message = `${problem.message} Pick another name or set an address.`;
			}
			return fail(error.status, { name, slug, ...problem });
		}
		redirect(303, `/s/${encodeURIComponent(created.slug)}`);
	}
};
