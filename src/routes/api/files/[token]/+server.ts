// The app's signed file links: uploads for every store (streamed on to the directory or the
// bucket), downloads for the local store (S3 downloads go to the bucket directly).
import type { RequestHandler } from './$types';
import { context } from '$lib/server/context';
import { handleFileRequest } from '$lib/server/adapters/storage';

export const PUT: RequestHandler = ({ params, request }) =>
	handleFileRequest({
		storage: context().storage,
		grants: context().uploadGrants,
		token: params.token,
		method: 'PUT',
		body: request.body,
		contentType: request.headers.get('content-type'),
		contentLength: request.headers.get('content-length')
	});

export const GET: RequestHandler = ({ params }) =>
	handleFileRequest({
		storage: context().storage,
		grants: context().uploadGrants,
		token: params.token,
		method: 'GET',
		body: null,
		contentType: null
	});
