// PostgREST's dialect, both ways: the URL grammar (filters, `or`/`and` trees, select, order,
// limit/offset) parsed into a `RecordQuery`, and the `Prefer`, `Content-Range` and error shapes
// PostgREST clients expect back. The grammar follows PostgREST's own parser (QueryParams.hs).
//
// Security: this module never builds SQL. Operands stay text in the AST and the compiler binds
// them as parameters after the attribute kind has parsed them, so a quote or a `;` in a URL is
// only ever a character of a value.

import { AppError, AppErrorCode, isAppError } from '../errors';
import {
	MAX_PAGE_SIZE,
	type FilterCondition,
	type FilterNode,
	type FilterOperator,
	type RecordQuery,
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
	['cs', 'contains']
]);
const fullTextOperators = new Set(['fts', 'plfts', 'phfts', 'wfts']);
/** Valid PostgREST operators that have no meaning on EAV attributes. */
const unsupportedOperators = new Set([
	'cd',
	'ov',
	'sl',
	'sr',
	'nxr',
	'nxl',
	'adj',
	'match',
	'imatch',
	'isdistinct'
]);
const operatorHint =
	'Operators: eq, neq, gt, gte, lt, lte, like, ilike, in, is, cs; prefix with not. to negate';

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

	for (const [key, value] of params) {
		if (reserved.has(key)) continue;
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
			const select = parseSelect(value);
			if (select) query.select = select;
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

	if (filters.length === 1) query.filter = filters[0];
	else if (filters.length > 1) query.filter = { type: 'and', children: filters };
	return query;
}

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
	return {
		code: isPreferError ? 'PGRST122' : postgrestCodeOf[error.code],
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

	if (fullTextOperators.has(operator)) {
		throw invalid(`Full-text operator '${operator}' is not supported (filter on '${field}')`, {
			field,
			hint: 'Use the search parameter for free-text search over the searchable columns'
		});
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
	if (mapped === 'contains') {
		return {
			type: 'condition',
			field,
			operator: 'contains',
			value: parseArray(operand, field),
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

/** A Postgres array literal `{a, b,"c,d"}` as used by `cs`; nested arrays are refused. */
function parseArray(operand: string, field: string): string[] {
	const hint = 'Write the values as an array literal: cs.{a,b,"c,d"}';
	if (!operand.startsWith('{') || !operand.endsWith('}')) {
		throw invalid(`Operator 'cs' in filter on '${field}' needs an array like {a,b}`, {
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

/** `select=a,b` or `*`; undefined means every column. */
function parseSelect(value: string): string[] | undefined {
	const cursor = new Cursor(value);
	const columns: string[] = [];
	let isAll = false;
	do {
		cursor.skipSpaces();
		const itemText = /^[^,]*/.exec(cursor.remaining)?.[0].trim() ?? '';
		if (cursor.eat('*')) {
			isAll = true;
		} else {
			if (cursor.startsWith('..')) throw embeddingError('select', itemText);
			const column = readFieldName(cursor);
			if (column === null) {
				throw invalid(`Expected a column name in select ${near(cursor)}`, {
					field: 'select',
					hint: 'List columns separated by commas, e.g. select=name,email'
				});
			}
			cursor.skipSpaces();
			if (cursor.startsWith('::')) {
				throw invalid(`Casting columns ('${itemText}') is not supported in select`, {
					field: 'select'
				});
			}
			if (cursor.startsWith(':')) {
				throw invalid(`Renaming columns ('${itemText}') is not supported in select`, {
					field: 'select',
					hint: 'Select the column by its own name'
				});
			}
			if (cursor.startsWith('->')) throw jsonPathError(column, 'select', 'select');
			if (startsEmbedding(cursor)) throw embeddingError('select', itemText);
			columns.push(column);
		}
		cursor.skipSpaces();
	} while (cursor.eat(','));
	if (!cursor.isAtEnd) {
		throw invalid(`Unexpected text in select ${near(cursor)}`, { field: 'select' });
	}
	return isAll ? undefined : [...new Set(columns)];
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
