// Each entity type of a space as a PostgREST collection: the documented URL grammar, Prefer
// headers, Content-Range, and errors in PostgREST's { code, message, details, hint } shape,
// so existing PostgREST clients work unchanged. Only translation lives here; the services do
// the work.
import { AppError, AppErrorCode } from '$lib/domain/errors';
import { MAX_PAGE_SIZE } from '$lib/domain/query/ast';
import { refuseUnstorableText } from '$lib/domain/text';
import Papa from 'papaparse';
import type { SelectNode } from '$lib/domain/query/ast';
import {
	SINGULAR_MEDIA_TYPE,
	contentRange,
	parsePostgrestQuery,
	parsePrefer,
	postgrestStatus,
	responseFormat,
	shapeRow,
	singularError,
	toPostgrestError
} from '$lib/domain/query/postgrest';
import type { Actor } from '../auth/actor';
import type { AppContext } from '../context';
import { dataRefusal, policyRefusal } from '../db';
import {
	createRecords,
	queryRecords,
	upsertRecords,
	writeWhere,
	type FlatRecord
} from '../services/records';
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

/** The select's nodes: the shape when it renames, casts or embeds, else its plain columns. */
const nodesOf = (query: { select?: string[]; shape?: SelectNode[] }): SelectNode[] | undefined =>
	query.shape ?? query.select?.map((field) => ({ type: 'field', field }));

/** Rows in the representation the client asked for: an array, one object (406 unless one), CSV. */
function respondRows(
	request: Request,
	rows: Record<string, unknown>[],
	status: number,
	headers: Record<string, string> = {}
): Response {
	const format = responseFormat(request.headers.get('accept'));
	if (format === 'singular') {
		if (rows.length !== 1) throw singularError(rows.length);
		return new Response(JSON.stringify(rows[0]), {
			status: status === 206 ? 200 : status,
			headers: { ...headers, 'content-type': `${SINGULAR_MEDIA_TYPE}; charset=utf-8` }
		});
	}
	if (format === 'csv') {
		const cells = rows.map((row) =>
			Object.fromEntries(
				Object.entries(row).map(([key, value]) => [
					key,
					value !== null && typeof value === 'object' ? JSON.stringify(value) : value
				])
			)
		);
		return new Response(Papa.unparse(cells), {
			status,
			headers: { ...headers, 'content-type': 'text/csv; charset=utf-8' }
		});
	}
	return respond(rows, status, headers);
}

async function readText(request: Request): Promise<string> {
	const length = Number(request.headers.get('content-length') ?? 0);
	if (length > MAX_BODY_BYTES)
		throw new AppError(AppErrorCode.TooLarge, 'The request body is over 10 MB', { field: 'body' });
	const text = await request.text();
	if (text.length > MAX_BODY_BYTES)
		throw new AppError(AppErrorCode.TooLarge, 'The request body is over 10 MB', { field: 'body' });
	return text;
}

const isCsv = (request: Request) =>
	(request.headers.get('content-type') ?? '').toLowerCase().startsWith('text/csv');

async function readBody(request: Request): Promise<unknown> {
	const type = request.headers.get('content-type') ?? '';
	if (!type.includes('application/json')) {
		throw new AppError(AppErrorCode.InvalidInput, 'Send the body as application/json', {
			field: 'content-type'
		});
	}
	const text = await readText(request);
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		throw new AppError(AppErrorCode.InvalidInput, 'The body is not valid JSON', { field: 'body' });
	}
	refuseUnstorableText(body);
	return body;
}

/**
 * A CSV body (PostgREST's bulk insert as text/csv): a header row of field keys, then one record
 * per row, each cell read as text the way a pasted cell is. A row whose cells do not match the
 * header is refused, naming its line, before anything is written.
 */
async function readCsvBody(request: Request): Promise<Record<string, string>[]> {
	const text = await readText(request);
	refuseUnstorableText(text);
	const parsed = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });
	const error = parsed.errors[0];
	if (error) {
		throw new AppError(
			AppErrorCode.InvalidInput,
			`CSV row ${(error.row ?? 0) + 1}: ${error.message}`,
			{
				field: 'body',
				hint: 'Give every row as many cells as the header row has columns'
			}
		);
	}
	return parsed.data;
}

/** The records of a POST body: JSON (one object or an array) or CSV. */
async function readRecords(
	request: Request
): Promise<{ values: Record<string, unknown>[]; isText: boolean }> {
	if (isCsv(request)) return { values: await readCsvBody(request), isText: true };
	const body = await readBody(request);
	return {
		values: (Array.isArray(body) ? body : [body]) as Record<string, unknown>[],
		isText: false
	};
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
		const nodes = nodesOf(query);
		const embeds = (record: Record<string, unknown>) =>
			page.embedded?.get(record as FlatRecord) as Record<string, unknown> | undefined;
		return respondRows(
			input.request,
			page.records.map((record) => shapeRow(record, nodes, embeds)),
			isPartial ? 206 : 200,
			headers
		);
	} catch (error) {
		return failure(error);
	}
}

/** A write's representation: the select's columns, renamed and cast; embeds are for reads. */
function representationNodes(url: URL): SelectNode[] | undefined {
	const query = parsePostgrestQuery(
		new URLSearchParams({ select: url.searchParams.get('select') ?? '*' })
	);
	if (query.shape?.some((node) => node.type === 'embed')) {
		throw new AppError(
			AppErrorCode.InvalidFilter,
			'Embedding is for reads; a write returns the columns of its own records',
			{ field: 'select', hint: 'Read the related records with a GET after the write' }
		);
	}
	return nodesOf(query);
}

const noEmbeds = () => undefined;

export async function insertIntoCollection(input: CollectionRequest): Promise<Response> {
	try {
		const actor = requireActor(input.actor);
		refuseUnstorableQuery(input.url);
		const prefer = parsePrefer(input.request.headers.get('prefer'));
		const nodes = representationNodes(input.url);
		const { values, isText } = await readRecords(input.request);
		if (values.length > MAX_PAGE_SIZE) {
			throw new AppError(
				AppErrorCode.LimitExceeded,
				`At most ${MAX_PAGE_SIZE} records per request`,
				{ field: 'body' }
			);
		}
		const isSingular = responseFormat(input.request.headers.get('accept')) === 'singular';
		if (isSingular && prefer.return === 'representation' && values.length !== 1)
			throw singularError(values.length);
		const onConflict = input.url.searchParams.get('on_conflict');
		const target = { context: input.context, actor, space: input.space, type: input.type };
		const result =
			prefer.resolution || onConflict
				? await upsertRecords({
						...target,
						values,
						isText,
						onConflict: onConflict ?? 'id',
						resolution: prefer.resolution ?? 'merge-duplicates'
					})
				: await createRecords({ ...target, values, isText });
		const records = [...result.created, ...result.updated];
		const applied = [
			prefer.resolution ? `resolution=${prefer.resolution}` : '',
			prefer.missing ? `missing=${prefer.missing}` : ''
		].filter(Boolean);
		// A likely duplicate is a warning, never a refusal: the rows are written either way.
		const headers: Record<string, string> = {
			...(applied.length ? { 'preference-applied': applied.join(', ') } : {}),
			...possibleDuplicatesHeader(result.possibleDuplicates)
		};
		if (prefer.return === 'representation') {
			return respondRows(
				input.request,
				records.map((record) => shapeRow(record, nodes, noEmbeds)),
				201,
				headers
			);
		}
		return respond(undefined, 201, { ...headers, 'content-range': `*/${records.length}` });
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
		const nodes = representationNodes(input.url);
		const isSingular = responseFormat(input.request.headers.get('accept')) === 'singular';
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
			limit: query.limit ?? MAX_PAGE_SIZE,
			isSingular
		});
		const records = input.isDelete ? result.deleted : result.updated;
		const warning = possibleDuplicatesHeader(result.possibleDuplicates);
		if (prefer.return === 'representation')
			return respondRows(
				input.request,
				records.map((record) => shapeRow(record, nodes, noEmbeds)),
				200,
				warning
			);
		return respond(undefined, 204, { 'content-range': `*/${records.length}`, ...warning });
	} catch (error) {
		return failure(error);
	}
}
