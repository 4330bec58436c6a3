// The realtime error codes: every refusal the socket, the y-websocket endpoint and the SSE
// stream send carries one of these. One file, so clients switch on a closed set.
import { AppErrorCode } from '../errors';

export const RealtimeErrorCode = {
	/** No valid session cookie or API token came with the handshake, or it has expired. */
	Unauthorized: 'unauthorized',
	/** The caller may not see this space, sheet or record, or may not write this field. */
	Forbidden: 'forbidden',
	/** The message is not what the protocol expects: malformed Yjs bytes, a missing doc id. */
	BadMessage: 'bad_message',
	/** The message is larger than the server accepts (see MAX_UPDATE_BYTES). */
	TooLarge: 'too_large',
	/** The socket sent more messages than its budget allows; the excess was dropped. */
	RateLimited: 'rate_limited',
	/** A field's new value does not fit its kind; a correcting update restores the old value. */
	InvalidValue: 'invalid_value',
	/** A unique field already holds that value on another record. */
	Conflict: 'conflict',
	/** The record or sheet does not exist (or was deleted). */
	NotFound: 'not_found',
	/**
	 * The update builds on changes the server does not have (or the server dropped the doc after
	 * a failed write): nothing of it was applied. Sync the record again from its state vector.
	 */
	OutOfSync: 'out_of_sync',
	/** The server could not make the edit durable right now; the client keeps it and retries. */
	Unavailable: 'unavailable'
} as const;

export type RealtimeErrorCode = (typeof RealtimeErrorCode)[keyof typeof RealtimeErrorCode];

export interface RealtimeError {
	code: RealtimeErrorCode;
	/** A sentence for a person, naming the field where there is one. */
	message: string;
	/** The attribute key the error is about. */
	field?: string;
	/** The record (doc) the error is about. */
	doc?: string;
}

const fromAppCode: Partial<Record<AppErrorCode, RealtimeErrorCode>> = {
	UNAUTHORIZED: 'unauthorized',
	FORBIDDEN: 'forbidden',
	NOT_FOUND: 'not_found',
	INVALID_INPUT: 'bad_message',
	UNKNOWN_ATTRIBUTE: 'invalid_value',
	INVALID_VALUE: 'invalid_value',
	CONFLICT: 'conflict',
	RATE_LIMITED: 'rate_limited',
	TOO_LARGE: 'too_large'
};

/** The realtime code for an application error code; anything unknown is "unavailable". */
export function realtimeCodeOf(code: AppErrorCode): RealtimeErrorCode {
	return fromAppCode[code] ?? 'unavailable';
}

/**
 * WebSocket close codes (the 4000 range is the application's) for the stock y-websocket
 * endpoint, which has no other way to carry an error. A stock provider reconnects after any of
 * them and syncs again, which is what `out_of_sync` asks for.
 */
export const CloseCode: Record<RealtimeErrorCode, number> = {
	bad_message: 4400,
	unauthorized: 4401,
	forbidden: 4403,
	not_found: 4404,
	out_of_sync: 4409,
	too_large: 4413,
	invalid_value: 4422,
	conflict: 4423,
	rate_limited: 4429,
	unavailable: 4503
};
