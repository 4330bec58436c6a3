// One error type for every layer. Transports map `code` to their own status (HTTP, socket
// event, PostgREST shape); none invents codes of its own.

export const AppErrorCode = {
	Unauthorized: 'UNAUTHORIZED',
	Forbidden: 'FORBIDDEN',
	NotFound: 'NOT_FOUND',
	InvalidInput: 'INVALID_INPUT',
	UnknownAttribute: 'UNKNOWN_ATTRIBUTE',
	InvalidValue: 'INVALID_VALUE',
	InvalidFilter: 'INVALID_FILTER',
	LimitExceeded: 'LIMIT_EXCEEDED',
	Conflict: 'CONFLICT',
	RateLimited: 'RATE_LIMITED',
	TooLarge: 'TOO_LARGE',
	Internal: 'INTERNAL'
} as const;

export type AppErrorCode = (typeof AppErrorCode)[keyof typeof AppErrorCode];

export const httpStatusOf: Record<AppErrorCode, number> = {
	UNAUTHORIZED: 401,
	FORBIDDEN: 403,
	NOT_FOUND: 404,
	INVALID_INPUT: 400,
	UNKNOWN_ATTRIBUTE: 400,
	INVALID_VALUE: 400,
	INVALID_FILTER: 400,
	LIMIT_EXCEEDED: 400,
	CONFLICT: 409,
	RATE_LIMITED: 429,
	TOO_LARGE: 413,
	INTERNAL: 500
};

export interface AppErrorOptions {
	/** The field (attribute key, query parameter, body property) the error is about. */
	field?: string;
	details?: unknown;
	hint?: string;
	cause?: unknown;
}

export class AppError extends Error {
	readonly code: AppErrorCode;
	readonly field?: string;
	readonly details?: unknown;
	readonly hint?: string;

	constructor(code: AppErrorCode, message: string, options: AppErrorOptions = {}) {
		super(message, { cause: options.cause });
		this.name = 'AppError';
		this.code = code;
		this.field = options.field;
		this.details = options.details;
		this.hint = options.hint;
	}

	get status(): number {
		return httpStatusOf[this.code];
	}

	toJSON() {
		return {
			code: this.code,
			message: this.message,
			...(this.field !== undefined && { field: this.field }),
			...(this.details !== undefined && { details: this.details }),
			...(this.hint !== undefined && { hint: this.hint })
		};
	}
}

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;
