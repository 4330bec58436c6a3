// JSON requests from the field editor and the board to the app's API. A refusal arrives as
// `{ code, message, field }`; it is thrown as an ApiError so a form can show the message next
// to the field it names.
export class ApiError extends Error {
	constructor(
		message: string,
		readonly code: string,
		readonly status: number,
		readonly field?: string
	) {
		super(message);
		this.name = 'ApiError';
	}
}

export async function apiRequest<T = unknown>(
	url: string,
	init: {
		method?: string;
		body?: unknown;
		headers?: Record<string, string>;
		signal?: AbortSignal;
	} = {}
): Promise<T> {
	let response: Response;
	try {
		response = await fetch(url, {
			method: init.method ?? 'GET',
			headers: {
				...(init.body !== undefined && { 'content-type': 'application/json' }),
				...init.headers
			},
			body: init.body === undefined ? undefined : JSON.stringify(init.body),
			signal: init.signal
		});
	} catch {
		throw new ApiError(
			'The server cannot be reached. Check the connection and try again.',
			'NETWORK',
			0
		);
	}
	if (response.status === 204) return undefined as T;
	const body = await response.json().catch(() => null);
	if (!response.ok) {
		const problem = body as { code?: string; message?: string; field?: string } | null;
		throw new ApiError(
			problem?.message ?? `The request failed (${response.status}). Try again.`,
			problem?.code ?? 'HTTP',
			response.status,
			problem?.field
		);
	}
	return body as T;
}

/** The message of anything thrown, for an alert. */
export const messageOf = (error: unknown) =>
	error instanceof Error ? error.message : 'Something went wrong. Try again.';
