// PostgREST's dialect, both ways: the URL grammar (filters, `or`/`and` trees, select, order,
// limit/offset) parsed into a `RecordQuery`, and the `Prefer`, `Content-Range` and error shapes
// PostgREST clients expect back. The grammar follows PostgREST's own parser (QueryParams.hs).
//
// Security: this module never builds SQL. Operands stay text in the AST and the compiler binds
// them as parameters after the attribute kind has parsed them, so a quote or a `;` in a URL is
// only ever a character of a value.

import { AppError, AppErrorCode, isAppError, type AppErrorOptions } from '../errors';
import {
	MAX_EMBED_DEPTH,
	MAX_PAGE_SIZE,
	selectCasts,
	type FilterCondition,
	type FilterNode,
	type FilterOperator,
	type RecordQuery,
	type SelectCast,
	type SelectEmbed,
	type SelectNode,
	type SortKey
} from './ast';

export interface PostgrestQueryOptions {
	/** Parameters the route reads itself (`search`, `cursor`, ...); they are never filters. */
	reserved?: string[];
}

export interface PostgrestPreferences {
	count?: 'exact' | 'planned' | 'estimated';
	return?: 'minimal' | 'representation' | 'headers-only';
	missing?: 'default';
	resolution?: 'merge-duplicates' | 'ignore-duplicates';
	handling?: 'strict' | 'lenient';
}

export interface PostgrestError {
	code: string;
	message: string;
	details: string | null;
	hint: string | null;
}

/** Write-side parameters of PostgREST's grammar; reads ignore them like PostgREST does. */
const alwaysReserved = ['columns', 'on_conflict'];
/** Parameters that make no sense twice; PostgREST silently picks one, we refuse to guess. */
const singleParameters = new Set(['select', 'order', 'limit', 'offset']);
const logicParameters = new Set(['or', 'and', 'not.or', 'not.and']);

/** PostgREST operator -> AST operator; `is` picks its AST operator from the keyword. */
const operators = new Map<string, FilterOperator | 'is'>([
	['eq', 'eq'],
	['neq', 'neq'],
	['gt', 'gt'],
	['gte', 'gte'],
	['lt', 'lt'],
	['lte', 'lte'],
	['like', 'like'],
	['ilike', 'ilike'],
	['in', 'in'],
	['is', 'is'],
	['cs', 'contains'],
	['cd', 'contained_by'],
	['ov', 'overlaps'],
	['isdistinct', 'is_distinct'],
	['match', 'matches'],
	['imatch', 'imatches'],
	['fts', 'fts'],
	['plfts', 'plfts'],
	['phfts', 'phfts'],
	['wfts', 'wfts']
]);
const fullTextOperators = new Set(['fts', 'plfts', 'phfts', 'wfts']);
/** Valid PostgREST operators over ranges, which no attribute kind stores. */
const unsupportedOperators = new Set(['sl', 'sr', 'nxr', 'nxl', 'adj']);
const operatorHint =
	'Operators: eq, neq, gt, gte, lt, lte, like, ilike, match, imatch, in, is, isdistinct, cs, cd, ov, ' +
	'fts, plfts, phfts, wfts; prefix with not. to negate';

/** Text-search configurations a full-text operator may name: Postgres' built-in ones. */
export const textSearchLanguages = new Set([
	'simple',
	'arabic',
	'armenian',
	'basque',
	'catalan',
	'danish',
	'dutch',
	'english',
	'finnish',
	'french',
	'german',
	'greek',
	'hindi',
	'hungarian',
	'indonesian',
	'irish',
	'italian',
	'lithuanian',
	'nepali',
	'norwegian',
	'portuguese',
	'romanian',
	'russian',
	'serbian',
	'spanish',
	'swedish',
	'tamil',
	'turkish',
	'yiddish'
]);

/**
 * An error PostgREST itself answers with a code of its own (PGRST2xx for relationships,
 * PGRST116 for a singular response) and possibly a status of its own (406).
 */
export class PostgrestFailure extends AppError {
	constructor(
		readonly postgrestCode: string,
		code: AppErrorCode,
		message: string,
		options: AppErrorOptions & { status?: number } = {}
	) {
		super(code, message, options);
		this.httpStatus = options.status;
	}

	private readonly httpStatus?: number;

	override get status(): number {
		return this.httpStatus ?? super.status;
	}
}

/**
 * Reads a PostgREST query string. Every parameter that is not reserved is a filter
 * `column=[not.]operator.value`; several filters, also on the same column, are ANDed.
 */
export function parsePostgrestQuery(
	params: URLSearchParams,
	options: PostgrestQueryOptions = {}
): RecordQuery {
	const reserved = new Set([...alwaysReserved, ...(options.reserved ?? [])]);
	const query: RecordQuery = {};
	const filters: FilterNode[] = [];
	const seen = new Set<string>();
	const embedded: { path: string[]; key: string; value: string }[] = [];

	for (const [key, value] of params) {
		if (reserved.has(key)) continue;
		const path = embeddedPath(key);
		if (path) {
			embedded.push({ path, key: path.at(-1)!, value });
			continue;
		}
		if (singleParameters.has(key)) {
			if (seen.has(key)) {
				throw invalid(`'${key}' is given more than once`, {
					field: key,
					hint: `Give one ${key} parameter; list several items in it separated by commas`
				});
			}
			seen.add(key);
		}
		if (key === 'select') {
			const shape = parseSelect(value);
			query.select = selectedFields(shape);
			if (!isPlainSelect(shape)) query.shape = shape;
		} else if (key === 'order') {
			query.sort = parseOrder(value);
		} else if (key === 'limit') {
			query.limit = parseLimit(value);
		} else if (key === 'offset') {
			query.offset = parseNonNegativeInteger('offset', value);
		} else if (logicParameters.has(key)) {
			filters.push(parseLogicParameter(key, value));
		} else {
			filters.push(parseFilterParameter(key, value));
		}
	}

	query.filter = joinFilters(filters);
	for (const parameter of embedded) applyEmbedded(query.shape, parameter);
	return query;
}

const joinFilters = (filters: FilterNode[]): FilterNode | undefined =>
	filters.length === 0
		? undefined
		: filters.length === 1
			? filters[0]
			: { type: 'and', children: filters };

/**
 * `customer.name=eq.x` or `customer.order=name`: the embed path and the parameter, or null for
 * a plain parameter. Quoted names may hold dots (`"a.b"=eq.1`), so only unquoted ones split.
 */
function embeddedPath(key: string): string[] | null {
	if (key.startsWith('"') || !key.includes('.') || logicParameters.has(key)) return null;
	const parts = key.split('.');
	// `not.or` / `customer.not.and` end in a logic parameter of two parts.
	const tail = parts.slice(-2).join('.');
	if (logicParameters.has(tail) && parts.length > 2)
		return [...parts.slice(0, -2).map((part) => part.trim()), tail];
	return parts.map((part) => part.trim());
}

function findEmbed(shape: SelectNode[] | undefined, path: string[]): SelectEmbed | undefined {
	let nodes = shape;
	let found: SelectEmbed | undefined;
	for (const name of path) {
		found = nodes?.find(
			(node): node is SelectEmbed => node.type === 'embed' && (node.alias ?? node.name) === name
		);
		if (!found) return undefined;
		nodes = found.select;
	}
	return found;
}

/** Puts an embedded resource's own filter, order, limit or offset on its select node. */
function applyEmbedded(
	shape: SelectNode[] | undefined,
	parameter: { path: string[]; key: string; value: string }
): void {
	const embedPath = parameter.path.slice(0, -1);
	const embed = findEmbed(shape, embedPath);
	const name = parameter.path.join('.');
	if (!embed) {
		throw new PostgrestFailure(
			'PGRST108',
			AppErrorCode.InvalidFilter,
			`'${embedPath.join('.')}' is not an embedded resource in this request`,
			{
				field: name,
				hint: `Embed it in select first, e.g. select=*,${embedPath.join('(')}(*)${')'.repeat(Math.max(0, embedPath.length - 1))}`
			}
		);
	}
	const { key, value } = parameter;
	if (key === 'order') embed.sort = parseOrder(value);
	else if (key === 'limit') embed.limit = parseLimit(value);
	else if (key === 'offset') embed.offset = parseNonNegativeInteger('offset', value);
	else if (key === 'select') {
		throw invalid(`Give the columns of '${embedPath.join('.')}' inside select`, { field: name });
	} else {
		const filter = logicParameters.has(key)
			? parseLogicParameter(key, value)
			: parseFilterParameter(key, value);
		embed.filter = joinFilters([...(embed.filter ? [embed.filter] : []), filter]);
	}
}

/** The attribute keys the top level reads: its columns; undefined when it reads all. */
function selectedFields(shape: SelectNode[]): string[] | undefined {
	if (shape.some((node) => node.type === 'all')) return undefined;
	const keys = shape.flatMap((node) => (node.type === 'field' ? [node.field] : []));
	return [...new Set(keys)];
}

const isPlainSelect = (shape: SelectNode[]) =>
	shape.every(
		(node) => node.type === 'all' || (node.type === 'field' && !node.alias && !node.cast)
	);

/**
 * Reads the `Prefer` header (RFC 7240) as PostgREST does: unknown or unfulfillable
 * preferences are ignored unless the client asked for `handling=strict`.
 */
export function parsePrefer(header: string | null): PostgrestPreferences {
	const preferences: PostgrestPreferences = {};
	const rejected: string[] = [];

	for (const entry of (header ?? '').split(',')) {
		const preference = entry.split(';')[0]?.trim() ?? '';
		if (!preference) continue;
		const separator = preference.indexOf('=');
		const name = (separator < 0 ? preference : preference.slice(0, separator)).trim().toLowerCase();
		const value = separator < 0 ? '' : unquote(preference.slice(separator + 1).trim());
		if (!applyPreference(preferences, name, value)) rejected.push(preference);
	}

	if (preferences.handling === 'strict' && rejected.length > 0) {
		throw new AppError(
			AppErrorCode.InvalidInput,
			'Invalid preferences given with handling=strict',
			{
				field: 'Prefer',
				details: `Invalid preferences: ${rejected.join(', ')}`,
				hint: 'Supported: count, return, missing, resolution, handling'
			}
		);
	}
	return preferences;
}

/**
 * PostgREST's `Content-Range` value: `0-24/3573`, `0-24/*` when the total was not counted,
 * `*\/0` (or `*\/3573` past the end) when the page is empty.
 */
export function contentRange(range: {
	offset: number;
	returned: number;
	total?: number | null;
}): string {
	const total = range.total ?? '*';
	if (range.returned <= 0 || range.total === 0) return `*/${total}`;
	return `${range.offset}-${range.offset + range.returned - 1}/${total}`;
}

const postgrestCodeOf: Record<AppErrorCode, string> = {
	UNAUTHORIZED: 'PGRST301',
	FORBIDDEN: '42501',
	NOT_FOUND: 'PGRST205',
	INVALID_INPUT: 'PGRST102',
	UNKNOWN_ATTRIBUTE: 'PGRST204',
	INVALID_VALUE: '22P02',
	INVALID_FILTER: 'PGRST100',
	LIMIT_EXCEEDED: 'PGRST103',
	CONFLICT: '23505',
	// PostgREST has no code of its own for these; `PTxyz` is its documented form for a
	// custom HTTP status.
	RATE_LIMITED: 'PT429',
	TOO_LARGE: 'PT413',
	INTERNAL: 'XX000'
};

/** The PostgREST error body for an error; anything but an `AppError` is hidden. */
export function toPostgrestError(error: unknown): PostgrestError {
	if (!isAppError(error)) {
		return { code: 'XX000', message: 'Internal server error', details: null, hint: null };
	}
	const isPreferError = error.code === AppErrorCode.InvalidInput && error.field === 'Prefer';
	const code =
		error instanceof PostgrestFailure
			? error.postgrestCode
			: isPreferError
				? 'PGRST122'
				: postgrestCodeOf[error.code];
	return {
		code,
		message: error.message,
		// Internal details may carry driver messages; they stay in the log.
		details: error.code === AppErrorCode.Internal ? null : detailsText(error.details),
		hint: error.hint ?? null
	};
}

/** The HTTP status, from the one map in `errors.ts`. */
export function postgrestStatus(error: unknown): number {
	return isAppError(error) ? error.status : 500;
}

/** PostgREST's media type for one object instead of an array. */
export const SINGULAR_MEDIA_TYPE = 'application/vnd.pgrst.object+json';

/** What the client accepts, of what PostgREST answers: JSON, one object, or CSV. */
export function responseFormat(accept: string | null): 'json' | 'singular' | 'csv' {
	const types = (accept ?? '').split(',').map((entry) => entry.split(';')[0]!.trim().toLowerCase());
	if (types.includes(SINGULAR_MEDIA_TYPE)) return 'singular';
	if (types.includes('text/csv')) return 'csv';
	return 'json';
}

/** A singular response that would not hold exactly one row: 406, and nothing written. */
export function singularError(rows: number): PostgrestFailure {
	return new PostgrestFailure(
		'PGRST116',
		AppErrorCode.InvalidInput,
		'JSON object requested, multiple (or no) rows returned',
		{
			status: 406,
			details: `The result contains ${rows} rows`,
			hint: 'Narrow the filter to one record, or ask for application/json'
		}
	);
}

type Row = Record<string, unknown>;

/** A value cast as `::text`, `::integer` or `::numeric` asks. */
function castValue(value: unknown, cast: SelectCast | undefined): unknown {
	if (cast === undefined || value === null || value === undefined) return value ?? null;
	if (cast === 'text') return typeof value === 'string' ? value : JSON.stringify(value);
	const number = Number(value);
	if (!Number.isFinite(number)) return null;
	return cast === 'integer' ? Math.round(number) : number;
}

/**
 * A record as PostgREST answers it for a select: only the columns named (renamed and cast as
 * asked, in the order asked), embeds nested under their key or spread into the row. `embeds`
 * gives a record's loaded embeds by key. The record's own `type` marker never shows.
 */
export function shapeRow(
	record: Row,
	nodes: SelectNode[] | undefined,
	embeds: (record: Row) => Record<string, unknown> | undefined
): Row {
	const { type: _type, ...all } = record;
	if (!nodes) return all;
	const row: Row = {};
	for (const node of nodes) {
		if (node.type === 'all') Object.assign(row, all);
		else if (node.type === 'field')
			row[node.alias ?? node.field] = castValue(all[node.field], node.cast);
		else if (node.select?.length !== 0) {
			// An embed that selects nothing (`actors!inner()`) only filters: it is not in the row.
			const value = embeds(record)?.[node.alias ?? node.name] ?? null;
			const shape = (child: unknown) => shapeRow(child as Row, node.select, embeds);
			if (node.spread) {
				const spread = value === null ? undefined : shape(value);
				for (const child of node.select ?? []) {
					if (child.type === 'field') row[child.alias ?? child.field] ??= null;
				}
				Object.assign(row, spread);
			} else {
				row[node.alias ?? node.name] = Array.isArray(value)
					? value.map(shape)
					: value === null
						? null
						: shape(value);
			}
		}
	}
	return row;
}

function applyPreference(preferences: PostgrestPreferences, name: string, value: string) {
	switch (name) {
		case 'count':
			if (!isOneOf(value, ['exact', 'planned', 'estimated'])) return false;
			preferences.count ??= value;
			return true;
		case 'return':
			if (!isOneOf(value, ['minimal', 'representation', 'headers-only'])) return false;
			preferences.return ??= value;
			return true;
		case 'missing':
			// `missing=null` is PostgREST's default behaviour, so it is honoured by doing nothing.
			if (value === 'null') return true;
			if (value !== 'default') return false;
			preferences.missing ??= value;
			return true;
		case 'resolution':
			if (!isOneOf(value, ['merge-duplicates', 'ignore-duplicates'])) return false;
			preferences.resolution ??= value;
			return true;
		case 'handling':
			if (!isOneOf(value, ['strict', 'lenient'])) return false;
			preferences.handling ??= value;
			return true;
		default:
			return false;
	}
}

function isOneOf<const T extends string>(value: string, allowed: readonly T[]): value is T {
	return (allowed as readonly string[]).includes(value);
}

function unquote(value: string) {
	return value.length >= 2 && value.startsWith('"') && value.endsWith('"')
		? value.slice(1, -1)
		: value;
}

function detailsText(details: unknown): string | null {
	if (details === undefined || details === null) return null;
	return typeof details === 'string' ? details : JSON.stringify(details);
}

// --- Grammar -----------------------------------------------------------------------------------

/** Where the parser stands in one parameter's text. */
class Cursor {
	position = 0;

	constructor(readonly text: string) {}

	get isAtEnd() {
		return this.position >= this.text.length;
	}

	get remaining() {
		return this.text.slice(this.position);
	}

	startsWith(prefix: string) {
		return this.text.startsWith(prefix, this.position);
	}

	eat(prefix: string) {
		if (!this.startsWith(prefix)) return false;
		this.position += prefix.length;
		return true;
	}

	next() {
		const char = String.fromCodePoint(this.text.codePointAt(this.position) ?? 0);
		this.position += char.length;
		return char;
	}

	takeWhile(accepts: (char: string) => boolean) {
		const start = this.position;
		while (!this.isAtEnd) {
			const char = String.fromCodePoint(this.text.codePointAt(this.position) ?? 0);
			if (!accepts(char)) break;
			this.position += char.length;
		}
		return this.text.slice(start, this.position);
	}

	takeRest() {
		const rest = this.remaining;
		this.position = this.text.length;
		return rest;
	}

	skipSpaces() {
		this.takeWhile((char) => char === ' ' || char === '\t');
	}
}

/** How an operand ends: at the end of a parameter, or at `,`/`)` inside an `or`/`and` tree. */
type OperandContext = 'parameter' | 'tree';

function invalid(message: string, options: { field: string; hint?: string; details?: string }) {
	return new AppError(AppErrorCode.InvalidFilter, message, options);
}

function near(cursor: Cursor) {
	return cursor.isAtEnd ? 'at the end' : `near '${cursor.remaining.slice(0, 20)}'`;
}

const isIdentifierChar = (char: string) => /^[\p{L}0-9_ $]$/u.test(char);
const isTreeDelimiter = (char: string) => char === ',' || char === ')';

/**
 * A column name: letters, digits, `_`, `$`, spaces and inner dashes (trimmed), or any text in
 * double quotes for names holding reserved characters (`"information.cpe"`).
 */
function readFieldName(cursor: Cursor): string | null {
	cursor.skipSpaces();
	if (cursor.startsWith('"')) return readQuoted(cursor);
	const parts: string[] = [];
	let part = cursor.takeWhile(isIdentifierChar);
	while (part) {
		parts.push(part.trim());
		const beforeDash = cursor.position;
		part = !cursor.startsWith('->') && cursor.eat('-') ? cursor.takeWhile(isIdentifierChar) : '';
		if (!part) cursor.position = beforeDash;
	}
	const name = parts.join('-');
	return name === '' ? null : name;
}

/** `"..."` with `\` escaping the next character; null (and no move) when unterminated. */
function readQuoted(cursor: Cursor): string | null {
	const start = cursor.position;
	cursor.eat('"');
	let value = '';
	while (!cursor.isAtEnd) {
		const char = cursor.next();
		if (char === '"') return value;
		if (char === '\\') {
			if (cursor.isAtEnd) break;
			value += cursor.next();
		} else {
			value += char;
		}
	}
	cursor.position = start;
	return null;
}

/** A quoted operand counts only when `,`, `)` or the end follows it; else quotes are text. */
function readQuotedOperand(cursor: Cursor): string | null {
	const start = cursor.position;
	const value = readQuoted(cursor);
	if (value !== null && (cursor.isAtEnd || isTreeDelimiter(cursor.remaining[0] ?? ''))) {
		return value;
	}
	cursor.position = start;
	return null;
}

/**
 * A single operand. In a parameter it is everything after the operator, dots and quotes
 * included (`email=eq.a.b@c.de`). In a tree it ends at `,` or `)` unless double-quoted; a
 * `{...}` array literal is kept whole.
 */
function readOperand(cursor: Cursor, context: OperandContext): string {
	if (context === 'parameter') return cursor.takeRest();
	if (cursor.startsWith('"')) {
		const quoted = readQuotedOperand(cursor);
		if (quoted !== null) return quoted;
	}
	const arrayLiteral = /^\{[^{}]*\}/.exec(cursor.remaining);
	if (arrayLiteral) {
		cursor.position += arrayLiteral[0].length;
		return arrayLiteral[0];
	}
	return cursor.takeWhile((char) => !isTreeDelimiter(char));
}

/** `[not.]operator.operand` for `field`, as in `age=not.gt.18` or `or=(age.gt.18)`. */
function readCondition(cursor: Cursor, field: string, context: OperandContext): FilterCondition {
	const negate = cursor.eat('not.');
	const operator = cursor.takeWhile(
		(char) => char !== '.' && char !== '(' && !(context === 'tree' && isTreeDelimiter(char))
	);
	const flag = negate ? { negate: true } : {};

	if (fullTextOperators.has(operator) && cursor.eat('(')) {
		const language = cursor.takeWhile((char) => char !== ')');
		if (!cursor.eat(')') || !textSearchLanguages.has(language)) {
			throw invalid(`'${language}' is not a text-search language (filter on '${field}')`, {
				field,
				hint: `Write ${operator}(english).words; languages: ${[...textSearchLanguages].join(', ')}`
			});
		}
		if (!cursor.eat('.')) {
			throw invalid(`Operator '${operator}' in filter on '${field}' needs a value after a dot`, {
				field
			});
		}
		const operand = readOperand(cursor, context);
		return {
			type: 'condition',
			field,
			operator: operators.get(operator) as FilterOperator,
			value: operand,
			language,
			...flag
		};
	}
	if (unsupportedOperators.has(operator)) {
		throw invalid(`Operator '${operator}' is not supported (filter on '${field}')`, {
			field,
			hint: operatorHint
		});
	}
	const mapped = operators.get(operator);
	if (!mapped) {
		const message =
			operator !== '' && cursor.startsWith('.')
				? `Unknown operator '${operator}' in filter on '${field}'`
				: `Missing operator in filter on '${field}'`;
		throw invalid(message, { field, hint: `Write ${field}=eq.value. ${operatorHint}` });
	}
	if (!cursor.eat('.')) {
		throw invalid(`Operator '${operator}' in filter on '${field}' needs a value after a dot`, {
			field,
			hint: `For example ${field}=${operator}.value`
		});
	}

	if (mapped === 'in') {
		const values = readList(cursor, field);
		if (context === 'parameter' && !cursor.isAtEnd) {
			throw invalid(`Unexpected text after the list in filter on '${field}' ${near(cursor)}`, {
				field
			});
		}
		return { type: 'condition', field, operator: 'in', value: values, ...flag };
	}
	const operand = readOperand(cursor, context);
	if (mapped === 'is') return readIs(operand, field, negate);
	if (mapped === 'contains' || mapped === 'contained_by' || mapped === 'overlaps') {
		return {
			type: 'condition',
			field,
			operator: mapped,
			value: parseArray(operand, field, operator),
			...flag
		};
	}
	// PostgREST lets `*` stand for `%` so patterns need no percent-encoding; like PostgREST,
	// there is no escape for a literal `*`.
	const value = mapped === 'like' || mapped === 'ilike' ? operand.replaceAll('*', '%') : operand;
	return { type: 'condition', field, operator: mapped, value, ...flag };
}

/** `(a,b,"c,d")`: elements end at `,` or `)` unless double-quoted; `()` is the empty list. */
function readList(cursor: Cursor, field: string): string[] {
	const hint = 'Write the list in parentheses and quote values holding , or ): in.(a,"b,c")';
	cursor.skipSpaces();
	if (!cursor.eat('(')) {
		throw invalid(`Operator 'in' in filter on '${field}' needs a list in parentheses`, {
			field,
			hint
		});
	}
	cursor.skipSpaces();
	const values: string[] = [];
	if (!cursor.eat(')')) {
		do {
			const quoted = cursor.startsWith('"') ? readQuotedOperand(cursor) : null;
			values.push(quoted ?? cursor.takeWhile((char) => !isTreeDelimiter(char)));
		} while (cursor.eat(','));
		cursor.skipSpaces();
		if (!cursor.eat(')')) {
			throw invalid(`Unclosed list in filter on '${field}'`, { field, hint });
		}
	}
	cursor.skipSpaces();
	return values;
}

/** `is` compares with a keyword; PostgREST accepts it in any letter case. */
function readIs(operand: string, field: string, negate: boolean): FilterCondition {
	const keyword = operand.toLowerCase();
	if (keyword === 'null' || keyword === 'unknown') {
		return { type: 'condition', field, operator: negate ? 'is_not_empty' : 'is_empty' };
	}
	if (keyword === 'true' || keyword === 'false') {
		return {
			type: 'condition',
			field,
			operator: 'eq',
			value: keyword,
			...(negate ? { negate: true } : {})
		};
	}
	throw invalid(
		`'is' in filter on '${field}' takes null, true, false or unknown, not '${operand}'`,
		{
			field
		}
	);
}

/** A Postgres array literal `{a, b,"c,d"}` as used by `cs`, `cd`, `ov`; no nested arrays. */
function parseArray(operand: string, field: string, operator = 'cs'): string[] {
	const hint = `Write the values as an array literal: ${operator}.{a,b,"c,d"}`;
	if (!operand.startsWith('{') || !operand.endsWith('}')) {
		throw invalid(`Operator '${operator}' in filter on '${field}' needs an array like {a,b}`, {
			field,
			hint
		});
	}
	const cursor = new Cursor(operand.slice(1, -1));
	if (cursor.text.trim() === '') return [];
	const values: string[] = [];
	do {
		cursor.skipSpaces();
		const quoted = cursor.startsWith('"') ? readQuoted(cursor) : null;
		const value = quoted ?? cursor.takeWhile((char) => char !== ',').trim();
		if (quoted === null && /[{}"]/.test(value)) {
			throw invalid(`Malformed array in filter on '${field}'`, { field, hint });
		}
		cursor.skipSpaces();
		values.push(value);
	} while (cursor.eat(','));
	if (!cursor.isAtEnd) throw invalid(`Malformed array in filter on '${field}'`, { field, hint });
	return values;
}

/** A filter parameter: the key names the column, the value is `[not.]operator.operand`. */
function parseFilterParameter(key: string, value: string): FilterCondition {
	const cursor = new Cursor(key);
	const field = readFieldName(cursor);
	if (field !== null && cursor.startsWith('->')) throw jsonPathError(field, key);
	if (field !== null && cursor.startsWith('.')) throw embeddingError(key);
	if (field === null || !cursor.isAtEnd) {
		throw invalid(`'${key}' is not a valid column name`, {
			field: key,
			hint: 'Quote column names holding reserved characters: "a.b"=eq.1'
		});
	}
	return readCondition(new Cursor(value), field, 'parameter');
}

// Embedded resources and JSON paths are PostgREST features that EAV records do not have.

function embeddingError(parameter: string, text = parameter) {
	return invalid(`Embedded resources are not supported ('${text}')`, {
		field: parameter,
		hint: 'Records have no embedded resources; request the related collection separately'
	});
}

function jsonPathError(column: string, parameter: string, field = column) {
	return invalid(`JSON paths ('${column}->...') are not supported in '${parameter}'`, { field });
}

const startsEmbedding = (cursor: Cursor) => cursor.startsWith('(') || cursor.startsWith('!');

/** `or=(...)`, `and=(...)`, `not.or=(...)`: a tree of conditions and nested `and(...)`/`or(...)`. */
function parseLogicParameter(key: string, value: string): FilterNode {
	const hint = `For example ${key}=(age.lt.18,and(status.eq.active,name.ilike.*jo*))`;
	if (!value.trimStart().startsWith('(')) {
		throw invalid(`'${key}' needs a list of conditions in parentheses`, { field: key, hint });
	}
	const cursor = new Cursor(key + value.trimStart());
	const tree = readTree(cursor, key);
	if (!cursor.isAtEnd) {
		throw invalid(`Unexpected text in '${key}' ${near(cursor)}`, { field: key, hint });
	}
	return tree;
}

function readTree(cursor: Cursor, parameter: string): FilterNode {
	cursor.skipSpaces();
	const group = /^(not\.)?(and|or)[ \t]*\(/.exec(cursor.remaining);
	if (group) {
		cursor.position += group[0].length;
		const children: FilterNode[] = [];
		do {
			children.push(readTree(cursor, parameter));
			cursor.skipSpaces();
		} while (cursor.eat(','));
		if (!cursor.eat(')')) {
			throw invalid(`Expected ',' or ')' in '${parameter}' ${near(cursor)}`, { field: parameter });
		}
		cursor.skipSpaces();
		return {
			type: group[2] === 'and' ? 'and' : 'or',
			children,
			...(group[1] ? { negate: true } : {})
		};
	}
	const field = readFieldName(cursor);
	if (field === null) {
		throw invalid(`Expected a condition or and(...)/or(...) in '${parameter}' ${near(cursor)}`, {
			field: parameter,
			hint: 'A condition reads column.operator.value, e.g. age.gte.18'
		});
	}
	cursor.skipSpaces();
	if (cursor.startsWith('->')) throw jsonPathError(field, parameter);
	if (!cursor.eat('.')) {
		throw invalid(`Expected '.' after '${field}' in '${parameter}' ${near(cursor)}`, {
			field,
			hint: 'A condition reads column.operator.value (age.gte.18); a group and(...) or or(...)'
		});
	}
	return readCondition(cursor, field, 'tree');
}

/** `select=a,alias:b,c::text,customer(name),...company(*)`: PostgREST's select tree. */
export function parseSelect(value: string): SelectNode[] {
	const cursor = new Cursor(value);
	const nodes = readSelectList(cursor, 0);
	if (nodes.length === 0) {
		throw invalid(`Expected a column name in select ${near(cursor)}`, {
			field: 'select',
			hint: 'List columns separated by commas, e.g. select=name,email'
		});
	}
	if (!cursor.isAtEnd) {
		throw invalid(`Unexpected text in select ${near(cursor)}`, { field: 'select' });
	}
	return nodes;
}

function readSelectList(cursor: Cursor, depth: number): SelectNode[] {
	const nodes: SelectNode[] = [];
	do {
		cursor.skipSpaces();
		// `select=` (empty) and `name()` read no columns, as in PostgREST.
		if (cursor.isAtEnd || cursor.startsWith(')')) break;
		nodes.push(readSelectItem(cursor, depth));
		cursor.skipSpaces();
	} while (cursor.eat(','));
	return nodes;
}

function readSelectItem(cursor: Cursor, depth: number): SelectNode {
	if (cursor.eat('*')) return { type: 'all' };
	const itemText = /^[^,()]*/.exec(cursor.remaining)?.[0].trim() ?? '';
	const spread = cursor.eat('...');
	const first = readFieldName(cursor);
	if (first === null) {
		throw invalid(`Expected a column name in select ${near(cursor)}`, {
			field: 'select',
			hint: 'List columns separated by commas, e.g. select=name,email,customer(name)'
		});
	}
	let name = first;
	let alias: string | undefined;
	cursor.skipSpaces();
	if (cursor.startsWith(':') && !cursor.startsWith('::')) {
		cursor.eat(':');
		const renamed = readFieldName(cursor);
		if (renamed === null) {
			throw invalid(`Expected a column after '${first}:' in select`, {
				field: 'select',
				hint: 'Rename a column with alias:column, e.g. select=full_name:name'
			});
		}
		alias = first;
		name = renamed;
		cursor.skipSpaces();
	}
	if (cursor.startsWith('->')) throw jsonPathError(name, 'select', 'select');
	if (cursor.startsWith('!') || cursor.startsWith('(')) {
		return readEmbed(cursor, { name, alias, spread, depth, itemText });
	}
	if (spread) {
		throw invalid(`Spread '...${name}' needs a related resource: ...${name}(columns)`, {
			field: 'select'
		});
	}
	const field: SelectNode = { type: 'field', field: name, ...(alias ? { alias } : {}) };
	if (cursor.eat('::')) {
		const cast = cursor.takeWhile((char) => /[a-z0-9_]/i.test(char)).toLowerCase();
		const known =
			cast === 'int' || cast === 'int4' || cast === 'int8' || cast === 'bigint' ? 'integer' : cast;
		if (!(selectCasts as readonly string[]).includes(known)) {
			throw invalid(`Cannot cast '${name}' to '${cast}' in select`, {
				field: 'select',
				hint: `Casts: ${selectCasts.join(', ')}`
			});
		}
		field.cast = known as SelectCast;
	}
	return field;
}

function readEmbed(
	cursor: Cursor,
	item: { name: string; alias?: string; spread: boolean; depth: number; itemText: string }
): SelectEmbed {
	const embed: SelectEmbed = { type: 'embed', name: item.name };
	if (item.alias) embed.alias = item.alias;
	if (item.spread) embed.spread = true;
	while (cursor.eat('!')) {
		const mark = cursor.takeWhile((char) => /[\p{L}0-9_$-]/u.test(char));
		if (mark === 'inner') embed.inner = true;
		else if (mark === 'left') embed.inner = false;
		else if (mark && !embed.hint) embed.hint = mark;
		else {
			throw invalid(`Unexpected '!${mark}' after '${item.name}' in select`, {
				field: 'select',
				hint: 'Write name!link_field!inner(columns)'
			});
		}
	}
	if (!cursor.eat('(')) {
		throw invalid(`Expected '(' after '${item.itemText}' in select`, { field: 'select' });
	}
	if (item.depth + 1 > MAX_EMBED_DEPTH) {
		throw new PostgrestFailure(
			'PGRST100',
			AppErrorCode.InvalidFilter,
			`Embeds nest at most ${MAX_EMBED_DEPTH} levels deep ('${item.name}' is deeper)`,
			{ field: 'select', hint: 'Request the deeper records separately' }
		);
	}
	const nodes = readSelectList(cursor, item.depth + 1);
	if (!cursor.eat(')')) {
		throw invalid(`Unclosed '(' after '${item.name}' in select ${near(cursor)}`, {
			field: 'select'
		});
	}
	embed.select = nodes;
	return embed;
}

/** `order=a,b.desc,c.asc.nullslast`: direction defaults to asc, nulls to Postgres' default. */
function parseOrder(value: string): SortKey[] {
	const hint = 'Use column[.asc|.desc][.nullsfirst|.nullslast], e.g. order=name.desc.nullslast';
	const cursor = new Cursor(value);
	const keys: SortKey[] = [];
	do {
		const field = readFieldName(cursor);
		if (field === null) {
			throw invalid(`Expected a column name in order ${near(cursor)}`, { field: 'order', hint });
		}
		cursor.skipSpaces();
		if (cursor.startsWith('->')) throw jsonPathError(field, 'order', 'order');
		if (startsEmbedding(cursor)) throw embeddingError('order', value);
		const key: SortKey = { field, direction: 'asc' };
		let hasDirection = false;
		while (cursor.eat('.')) {
			const modifier = cursor.takeWhile((char) => char !== '.' && char !== ',');
			if ((modifier === 'asc' || modifier === 'desc') && !hasDirection && !key.nulls) {
				key.direction = modifier;
				hasDirection = true;
			} else if ((modifier === 'nullsfirst' || modifier === 'nullslast') && !key.nulls) {
				key.nulls = modifier === 'nullsfirst' ? 'first' : 'last';
			} else {
				throw invalid(`Unknown order modifier '${modifier}' for '${field}'`, { field, hint });
			}
		}
		cursor.skipSpaces();
		keys.push(key);
	} while (cursor.eat(','));
	if (!cursor.isAtEnd) {
		throw invalid(`Unexpected text in order ${near(cursor)}`, { field: 'order', hint });
	}
	return keys;
}

function parseNonNegativeInteger(parameter: 'limit' | 'offset', value: string): number {
	const count = /^[0-9]+$/.test(value) ? Number(value) : NaN;
	if (!Number.isSafeInteger(count)) {
		throw invalid(`'${parameter}' must be a non-negative integer, not '${value}'`, {
			field: parameter
		});
	}
	return count;
}

function parseLimit(value: string): number {
	const limit = parseNonNegativeInteger('limit', value);
	if (limit > MAX_PAGE_SIZE) {
		throw new AppError(
			AppErrorCode.LimitExceeded,
			`'limit' is ${limit}, over the maximum page size of ${MAX_PAGE_SIZE}`,
			{ field: 'limit', hint: `Ask for at most ${MAX_PAGE_SIZE} rows and page with offset` }
		);
	}
	return limit;
}
