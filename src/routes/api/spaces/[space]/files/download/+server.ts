// GET ?key=...[&name=...] -> a redirect to a short-lived presigned download URL, so an <img> or a
// link in the grid can point here with the session cookie.
import { redirect } from '@sveltejs/kit';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import { context } from '$lib/server/context';
import { errorResponse, requireActor } from '$lib/server/http';
import { fileDownloadUrl } from '$lib/server/services/files';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ locals, params, url }) => {
	let location: string;
	try {
		const key = url.searchParams.get('key');
		if (!key) throw new AppError(AppErrorCode.InvalidInput, 'key: is required', { field: 'key' });
		location = await fileDownloadUrl({
			context: context(),
			actor: requireActor(locals),
			space: params.space,
			key,
			filename: url.searchParams.get('name') ?? undefined
		});
	} catch (error) {
		return errorResponse(error);
	}
	redirect(302, location);
};
