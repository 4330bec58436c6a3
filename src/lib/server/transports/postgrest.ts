// Each entity type of a space as a PostgREST collection: the documented URL grammar, Prefer
// headers, Content-Range, and errors in PostgREST's { code, message, details, hint } shape,
// so existing PostgREST clients work unchanged. Only translation lives here; the services do
// the work.
import { AppError, AppErrorCode } from '$lib/domain/errors';
import { MAX_PAGE_SIZE } from '$lib/domain/query/ast';
import { refuseUnstorableText } from '$lib/domain/text';
import {
	contentRange,
	parsePostgrestQuery,
	parsePrefer,
	postgrestStatus,
	toPostgrestError
} from '$lib/domain/query/postgrest';
import type { Actor } from '../auth/actor';
import type { AppContext } from '../context';
import { dataRefusal, policyRefusal } from '../db';
import { createRecords, queryRecords, writeWhere, type FlatRecord } from '../services/records';
import { possibleDuplicatesHeader } from '../services/matching/on-write';

export interface CollectionRequest {
	context: AppContext;
	actor: Actor | null;
	space: string;
	type: string;
	request: Request;
	url: URL;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;
const reserved = ['search', 'cursor'];

function respond(body: unknown, status: number, headers: Record<string, string> = {}): Response {
	if (body === undefined) return new Response(null, { status, headers });
	return new Response(JSON.stringify(body), {
		status,
		headers: { 'content-type': 'application/json; charset=utf-8', ...headers }
	});
}

function failure(caught: unknown): Response {
	// A policy refused what the service let through: the database's wall held.
	const error = policyRefusal(caught, 'Your role may not do that') ?? dataRefusal(caught) ?? caught;
	const status = postgrestStatus(error);
	if (status >= 500) console.error(error);
	const headers: Record<string, string> = {};
	if (error instanceof AppError && error.code === AppErrorCode.RateLimited) {
		const retry = (error.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
		if (retry) headers['retry-after'] = String(retry);
	}
	return respond(toPostgrestError(error), status, headers);
}

function requireActor(actor: Actor | null): Actor {
	if (!actor) throw new AppError(AppErrorCode.Unauthorized, 'Sign in or send an API token');
	return actor;
}

/** PostgREST returns the columns asked for, without our `type` marker. */
function toRow(record: FlatRecord, select: string[] | undefined): Record<string, unknown> {
	const { type: _type, ...row } = record;
	if (!select) return row;
	return Object.fromEntries(select.map((key) => [key, row[key] ?? null]));
}

async function readBody(request: Request): Promise<unknown> {
	const length = Number(request.headers.get('content-length') ?? 0);
	if (length > MAX_BODY_BYTES)
		throw new AppError(AppErrorCode.TooLarge, 'The request body is over 10 MB', { field: 'body' });
	const type = request.headers.get('content-type') ?? '';
	if (!type.includes('application/json')) {
		throw new AppError(AppErrorCode.InvalidInput, 'Send the body as application/json', {
			field: 'content-type'
		});
	}
	const text = await request.text();
	if (text.length > MAX_BODY_BYTES)
		throw new AppError(AppErrorCode.TooLarge, 'The request body is over 10 MB', { field: 'body' });
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		throw new AppError(AppErrorCode.InvalidInput, 'The body is not valid JSON', { field: 'body' });
	}
	refuseUnstorableText(body);
	return body;
}

/** The query string's names and values, checked once before the parser sees them. */
function refuseUnstorableQuery(url: URL): void {
	for (const [name, value] of url.searchParams) {
		refuseUnstorableText(name, 'query');
		refuseUnstorableText(value, name);
	}
}

export async function readCollection(input: CollectionRequest): Promise<Response> {
	try {
		const actor = requireActor(input.actor);
		refuseUnstorableQuery(input.url);
		const query = parsePostgrestQuery(input.url.searchParams, { reserved });
		query.search = input.url.searchParams.get('search') ?? undefined;
		query.after = input.url.searchParams.get('cursor') ?? undefined;
		query.limit ??= MAX_PAGE_SIZE;
		const prefer = parsePrefer(input.request.headers.get('prefer'));
		const page = await queryRecords({
			context: input.context,
			actor,
			space: input.space,
			type: input.type,
			query,
			count: prefer.count !== undefined
		});
		const offset = query.offset ?? 0;
		const headers: Record<string, string> = {
			'content-range': contentRange({ offset, returned: page.records.length, total: page.total })
		};
		if (prefer.count) headers['preference-applied'] = `count=${prefer.count}`;
		if (page.nextCursor) headers['x-next-cursor'] = page.nextCursor;
		const isPartial = page.total !== undefined && page.records.length < page.total;
		return respond(
			page.records.map((record) => toRow(record, query.select)),
			isPartial ? 206 : 200,
			headers
		);
	} catch (error) {
		return failure(error);
	}
}

export async function insertIntoCollection(input: CollectionRequest): Promise<Response> {
	try {
		const actor = requireActor(input.actor);
		refuseUnstorableQuery(input.url);
		const prefer = parsePrefer(input.request.headers.get('prefer'));
		const body = await readBody(input.request);
		const isBulk = Array.isArray(body);
		const values = (isBulk ? body : [body]) as Record<string, unknown>[];
		if (values.length > MAX_PAGE_SIZE) {
			throw new AppError(
				AppErrorCode.LimitExceeded,
				`At most ${MAX_PAGE_SIZE} records per request`,
				{ field: 'body' }
			);
		}
		const result = await createRecords({
			context: input.context,
			actor,
			space: input.space,
			type: input.type,
			values
		});
		const select = input.url.searchParams.get('select');
		const columns = select && select !== '*' ? select.split(',') : undefined;
		// A likely duplicate is a warning, never a refusal: the rows are written either way.
		const warning = possibleDuplicatesHeader(result.possibleDuplicates);
		if (prefer.return === 'representation') {
			return respond(
				result.created.map((record) => toRow(record, columns)),
				201,
				warning
			);
		}
		return respond(undefined, 201, {
			'content-range': `*/${result.created.length}`,
			...warning
		});
	} catch (error) {
		return failure(error);
	}
}

export async function writeCollection(
	input: CollectionRequest & { isDelete: boolean }
): Promise<Response> {
	try {
		const actor = requireActor(input.actor);
		refuseUnstorableQuery(input.url);
		const prefer = parsePrefer(input.request.headers.get('prefer'));
		const query = parsePostgrestQuery(input.url.searchParams, { reserved });
		// Like PostgREST behind pg-safeupdate: a PATCH or DELETE without a filter is almost always
		// a mistake that would touch every record of the type.
		if (!query.filter) {
			throw new AppError(
				AppErrorCode.InvalidFilter,
				`${input.isDelete ? 'DELETE' : 'PATCH'} needs at least one filter`,
				{
					field: 'filter',
					hint: 'Add a filter such as id=in.(...) to say which records to change'
				}
			);
		}
		const values = input.isDelete ? undefined : await readBody(input.request);
		if (
			!input.isDelete &&
			(typeof values !== 'object' || values === null || Array.isArray(values))
		) {
			throw new AppError(AppErrorCode.InvalidInput, 'PATCH takes one JSON object of field values', {
				field: 'body'
			});
		}
		const result = await writeWhere({
			context: input.context,
			actor,
			space: input.space,
			type: input.type,
			filter: query.filter,
			values: values as Record<string, unknown> | undefined,
			isDelete: input.isDelete,
			limit: query.limit ?? MAX_PAGE_SIZE
		});
		const records = input.isDelete ? result.deleted : result.updated;
		const warning = possibleDuplicatesHeader(result.possibleDuplicates);
		if (prefer.return === 'representation')
			return respond(
				records.map((record) => toRow(record, query.select)),
				200,
				warning
			);
		return respond(undefined, 204, { 'content-range': `*/${records.length}`, ...warning });
	} catch (error) {
		return failure(error);
	}
}
