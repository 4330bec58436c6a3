// The local file store's presigned URLs; with S3 configured the browser talks to the bucket
// and this route answers 404.
import type { RequestHandler } from './$types';
import { context } from '$lib/server/context';
import { handleLocalFileRequest } from '$lib/server/adapters/storage';

export const PUT: RequestHandler = ({ params, request }) =>
	handleLocalFileRequest({
		storage: context().storage,
		token: params.token,
		method: 'PUT',
		body: request.body,
		contentType: request.headers.get('content-type')
	});

export const GET: RequestHandler = ({ params }) =>
	handleLocalFileRequest({
		storage: context().storage,
		token: params.token,
		method: 'GET',
		body: null,
		contentType: null
	});
