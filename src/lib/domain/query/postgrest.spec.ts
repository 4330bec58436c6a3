import { describe, expect, it } from 'vitest';
import { AppError, AppErrorCode, isAppError } from '../errors';
import { MAX_PAGE_SIZE } from './ast';
import {
	contentRange,
	parsePostgrestQuery,
	parsePrefer,
	postgrestStatus,
	toPostgrestError
} from './postgrest';

/** Parses a raw query string the way a request URL arrives (percent-encoded). */
const parse = (search: string, reserved?: string[]) =>
	parsePostgrestQuery(new URLSearchParams(search), { reserved });

function errorOf(run: () => unknown): AppError {
	try {
		run();
	} catch (error) {
		if (isAppError(error)) return error;
		throw error;
	}
	throw new Error('expected an AppError');
}

describe('horizontal filters', () => {
	it.each([
		['eq', 'eq'],
		['neq', 'neq'],
		['gt', 'gt'],
		['gte', 'gte'],
		['lt', 'lt'],
		['lte', 'lte']
	] as const)('maps %s to %s', (operator, expected) => {
		expect(parse(`age=${operator}.18`).filter).toEqual({
			type: 'condition',
			field: 'age',
			operator: expected,
			value: '18'
		});
	});

	it('turns the * wildcard of like and ilike into %', () => {
		expect(parse('name=like.*jo*').filter).toEqual({
			type: 'condition',
			field: 'name',
			operator: 'like',
			value: '%jo%'
		});
		expect(parse('name=ilike.Jo*').filter).toMatchObject({ operator: 'ilike', value: 'Jo%' });
	});

	it('keeps everything after the operator as the value, dots included', () => {
		expect(parse('email=eq.a.b@c.de').filter).toMatchObject({
			field: 'email',
			operator: 'eq',
			value: 'a.b@c.de'
		});
	});

	it('keeps double quotes in a plain filter value, as PostgREST does', () => {
		expect(parse('name=eq.%22Smith%22').filter).toMatchObject({ value: '"Smith"' });
	});

	it('reads percent-encoded and plus-encoded text', () => {
		expect(parse('first%20name=eq.Jos%C3%A9+Mar%C3%ADa').filter).toMatchObject({
			field: 'first name',
			value: 'José María'
		});
	});

	it('accepts a quoted column name holding reserved characters', () => {
		expect(parse('%22information.cpe%22=like.*MS*').filter).toMatchObject({
			field: 'information.cpe',
			value: '%MS%'
		});
	});

	it('negates with not.', () => {
		expect(parse('status=not.eq.archived').filter).toEqual({
			type: 'condition',
			field: 'status',
			operator: 'eq',
			value: 'archived',
			negate: true
		});
	});

	it('ANDs several filters, also on the same column', () => {
		expect(parse('age=gte.18&age=lt.65&name=eq.x').filter).toEqual({
			type: 'and',
			children: [
				{ type: 'condition', field: 'age', operator: 'gte', value: '18' },
				{ type: 'condition', field: 'age', operator: 'lt', value: '65' },
				{ type: 'condition', field: 'name', operator: 'eq', value: 'x' }
			]
		});
	});

	it('leaves the filter out when there is none', () => {
		expect(parse('')).toEqual({});
	});
});

describe('in', () => {
	it('reads a list', () => {
		expect(parse('id=in.(1,2,3)').filter).toEqual({
			type: 'condition',
			field: 'id',
			operator: 'in',
			value: ['1', '2', '3']
		});
	});

	it('honours double quotes around values holding commas and parentheses', () => {
		expect(parse('name=in.(%22a,b%22,c,%22(d)%22)').filter).toMatchObject({
			value: ['a,b', 'c', '(d)']
		});
	});

	it('unescapes backslashes inside quotes', () => {
		// name=in.("Quote:\"","Backslash:\\") from the PostgREST docs.
		expect(parse('name=in.(%22Quote:%5C%22%22,%22Backslash:%5C%5C%22)').filter).toMatchObject({
			value: ['Quote:"', 'Backslash:\\']
		});
	});

	it('keeps quotes that do not wrap a whole element as text', () => {
		expect(parse('name=in.(a%22b,c)').filter).toMatchObject({ value: ['a"b', 'c'] });
	});

	it('reads () as the empty list and negates with not.in', () => {
		expect(parse('id=in.()').filter).toMatchObject({ operator: 'in', value: [] });
		expect(parse('id=not.in.(1,2)').filter).toMatchObject({
			operator: 'in',
			value: ['1', '2'],
			negate: true
		});
	});

	it('refuses a list without parentheses or left open', () => {
		expect(errorOf(() => parse('id=in.1,2')).message).toBe(
			"Operator 'in' in filter on 'id' needs a list in parentheses"
		);
		const unclosed = errorOf(() => parse('id=in.(1,2'));
		expect(unclosed.code).toBe(AppErrorCode.InvalidFilter);
		expect(unclosed.field).toBe('id');
		expect(errorOf(() => parse('id=in.(1,2)x')).message).toBe(
			"Unexpected text after the list in filter on 'id' near 'x'"
		);
	});
});

describe('is', () => {
	it('maps null and unknown to is_empty, and their negation to is_not_empty', () => {
		expect(parse('email=is.null').filter).toEqual({
			type: 'condition',
			field: 'email',
			operator: 'is_empty'
		});
		expect(parse('email=is.unknown').filter).toMatchObject({ operator: 'is_empty' });
		expect(parse('email=not.is.null').filter).toEqual({
			type: 'condition',
			field: 'email',
			operator: 'is_not_empty'
		});
	});

	it('maps true and false to eq, in any letter case', () => {
		expect(parse('active=is.TRUE').filter).toEqual({
			type: 'condition',
			field: 'active',
			operator: 'eq',
			value: 'true'
		});
		expect(parse('active=not.is.false').filter).toMatchObject({
			operator: 'eq',
			value: 'false',
			negate: true
		});
	});

	it('refuses other values', () => {
		expect(errorOf(() => parse('active=is.maybe')).message).toBe(
			"'is' in filter on 'active' takes null, true, false or unknown, not 'maybe'"
		);
	});
});

describe('cs', () => {
	it('maps an array literal to contains with a list', () => {
		expect(parse('tags=cs.{vip, speaker,%22a,b%22}').filter).toEqual({
			type: 'condition',
			field: 'tags',
			operator: 'contains',
			value: ['vip', 'speaker', 'a,b']
		});
		expect(parse('tags=cs.{}').filter).toMatchObject({ value: [] });
	});

	it('refuses anything but a flat array literal', () => {
		expect(errorOf(() => parse('tags=cs.vip')).message).toBe(
			"Operator 'cs' in filter on 'tags' needs an array like {a,b}"
		);
		expect(errorOf(() => parse('tags=cs.{a,{b}}')).message).toBe(
			"Malformed array in filter on 'tags'"
		);
	});
});

describe('operator errors', () => {
	it('names an unknown operator and the column', () => {
		const error = errorOf(() => parse('name=eqq.x'));
		expect(error.code).toBe(AppErrorCode.InvalidFilter);
		expect(error.message).toBe("Unknown operator 'eqq' in filter on 'name'");
		expect(error.field).toBe('name');
		expect(error.hint).toContain('eq, neq');
	});

	it('asks for an operator when there is none', () => {
		expect(errorOf(() => parse('name=john')).message).toBe("Missing operator in filter on 'name'");
		expect(errorOf(() => parse('name=')).message).toBe("Missing operator in filter on 'name'");
		expect(errorOf(() => parse('name=eq')).message).toBe(
			"Operator 'eq' in filter on 'name' needs a value after a dot"
		);
	});

	it('refuses a second not.', () => {
		expect(errorOf(() => parse('age=not.not.eq.1')).message).toBe(
			"Unknown operator 'not' in filter on 'age'"
		);
	});

	it('reads the full-text operators, with an optional language', () => {
		expect(parse('bio=fts(english).cat').filter).toEqual({
			type: 'condition',
			field: 'bio',
			operator: 'fts',
			value: 'cat',
			language: 'english'
		});
		expect(parse('bio=not.wfts.cat -dog').filter).toEqual({
			type: 'condition',
			field: 'bio',
			operator: 'wfts',
			value: 'cat -dog',
			negate: true
		});
		expect(parse('or=(bio.plfts.a b,bio.phfts(simple).c d)').filter).toMatchObject({
			children: [
				{ operator: 'plfts', value: 'a b' },
				{ operator: 'phfts', value: 'c d', language: 'simple' }
			]
		});
		const error = errorOf(() => parse('bio=fts(klingon).cat'));
		expect(error.message).toBe("'klingon' is not a text-search language (filter on 'bio')");
		expect(error.field).toBe('bio');
	});

	it('reads cd, ov, isdistinct, match and imatch', () => {
		expect(parse('tags=ov.{a,"b,c"}').filter).toMatchObject({
			operator: 'overlaps',
			value: ['a', 'b,c']
		});
		expect(parse('tags=cd.{a,b}').filter).toMatchObject({
			operator: 'contained_by',
			value: ['a', 'b']
		});
		expect(parse('age=isdistinct.3').filter).toMatchObject({ operator: 'is_distinct', value: '3' });
		expect(parse('name=match.^A.*z$').filter).toMatchObject({
			operator: 'matches',
			value: '^A.*z$'
		});
		expect(parse('name=not.imatch.ada').filter).toMatchObject({
			operator: 'imatches',
			negate: true
		});
		expect(errorOf(() => parse('tags=ov.a')).message).toBe(
			"Operator 'ov' in filter on 'tags' needs an array like {a,b}"
		);
	});

	it('refuses the range operators, which no field kind stores', () => {
		expect(errorOf(() => parse('period=adj.[1,2]')).message).toBe(
			"Operator 'adj' is not supported (filter on 'period')"
		);
	});

	it('puts embedded filters, order and limit on their embed, and refuses unknown embeds', () => {
		const query = parse(
			'select=name,actors(name,films(title))&actors.name=eq.x&actors.order=name.desc&actors.limit=2&actors.offset=1&actors.films.or=(title.eq.a,title.eq.b)'
		);
		expect(query.shape?.[1]).toMatchObject({
			type: 'embed',
			name: 'actors',
			filter: { type: 'condition', field: 'name', operator: 'eq', value: 'x' },
			sort: [{ field: 'name', direction: 'desc' }],
			limit: 2,
			offset: 1,
			select: [
				{ type: 'field', field: 'name' },
				{ type: 'embed', name: 'films', filter: { type: 'or' } }
			]
		});
		const error = errorOf(() => parse('actors.name=eq.x'));
		expect(error.message).toBe("'actors' is not an embedded resource in this request");
		expect(toPostgrestError(error).code).toBe('PGRST108');
		expect(errorOf(() => parse('actors.order=name')).field).toBe('actors.order');
		expect(errorOf(() => parse('data->>kind=eq.x')).message).toBe(
			"JSON paths ('data->...') are not supported in 'data->>kind'"
		);
		expect(errorOf(() => parse('na!me=eq.x')).message).toBe("'na!me' is not a valid column name");
	});
});

describe('values that look like SQL', () => {
	it.each([
		"'; DROP TABLE entities; --",
		"1' OR '1'='1",
		'x); delete from eav_values where (true',
		'$1::text',
		'%_\\'
	])('keeps %s as plain operand text', (text) => {
		const encoded = encodeURIComponent(text);
		expect(parse(`name=eq.${encoded}`).filter).toMatchObject({ value: text });
		// JSON.stringify quotes and backslash-escapes exactly as PostgREST's list grammar wants.
		const quoted = encodeURIComponent(JSON.stringify(text));
		expect(parse(`name=in.(${quoted},b)`).filter).toMatchObject({ value: [text, 'b'] });
	});

	it('keeps a quoted hostile value whole inside an or tree', () => {
		const text = "x'),(1=1";
		const tree = parse(`or=(name.eq.${encodeURIComponent(`"${text}"`)},age.gt.1)`).filter;
		expect(tree).toMatchObject({ children: [{ value: text }, { value: '1' }] });
	});
});

describe('logic trees', () => {
	it('reads or with a nested and', () => {
		expect(parse('or=(age.lt.18,and(status.eq.active,name.ilike.*jo*))').filter).toEqual({
			type: 'or',
			children: [
				{ type: 'condition', field: 'age', operator: 'lt', value: '18' },
				{
					type: 'and',
					children: [
						{ type: 'condition', field: 'status', operator: 'eq', value: 'active' },
						{ type: 'condition', field: 'name', operator: 'ilike', value: '%jo%' }
					]
				}
			]
		});
	});

	it('negates a whole tree, a nested group and a condition', () => {
		expect(
			parse('not.or=(age.eq.14,not.and(age.gte.11,age.lte.17),name.not.is.null)').filter
		).toEqual({
			type: 'or',
			negate: true,
			children: [
				{ type: 'condition', field: 'age', operator: 'eq', value: '14' },
				{
					type: 'and',
					negate: true,
					children: [
						{ type: 'condition', field: 'age', operator: 'gte', value: '11' },
						{ type: 'condition', field: 'age', operator: 'lte', value: '17' }
					]
				},
				{ type: 'condition', field: 'name', operator: 'is_not_empty' }
			]
		});
	});

	it('ANDs a tree with the plain filters', () => {
		expect(parse('grade=gte.90&and=(a.eq.1,b.eq.2)').filter).toEqual({
			type: 'and',
			children: [
				{ type: 'condition', field: 'grade', operator: 'gte', value: '90' },
				{
					type: 'and',
					children: [
						{ type: 'condition', field: 'a', operator: 'eq', value: '1' },
						{ type: 'condition', field: 'b', operator: 'eq', value: '2' }
					]
				}
			]
		});
	});

	it('reads quoted values, lists and array literals inside a tree', () => {
		const tree = parse('or=(name.eq.%22Hebdon,John%22,id.in.(1,%222,3%22),tags.cs.{a,b})').filter;
		expect(tree).toMatchObject({
			children: [
				{ field: 'name', operator: 'eq', value: 'Hebdon,John' },
				{ field: 'id', operator: 'in', value: ['1', '2,3'] },
				{ field: 'tags', operator: 'contains', value: ['a', 'b'] }
			]
		});
	});

	it('tolerates spaces around columns and separators', () => {
		expect(parse('or=( age.lt.18 , name.eq.x )').filter).toMatchObject({
			children: [
				{ field: 'age', value: '18 ' },
				{ field: 'name', value: 'x ' }
			]
		});
	});

	it('names the column when a condition inside a tree is wrong', () => {
		const error = errorOf(() => parse('or=(age.lt.18,name.eqq.x)'));
		expect(error.message).toBe("Unknown operator 'eqq' in filter on 'name'");
		expect(error.field).toBe('name');
	});

	it('names the parameter when the tree itself is malformed', () => {
		expect(errorOf(() => parse('or=age.lt.18')).message).toBe(
			"'or' needs a list of conditions in parentheses"
		);
		expect(errorOf(() => parse('or=()')).field).toBe('or');
		expect(errorOf(() => parse('or=(a.eq.1')).message).toBe(
			"Expected ',' or ')' in 'or' at the end"
		);
		expect(errorOf(() => parse('or=(a.eq.1))')).message).toBe("Unexpected text in 'or' near ')'");
		expect(errorOf(() => parse('or=(a.eq.1,xor(b.eq.2))')).message).toBe(
			"Expected '.' after 'xor' in 'or' near '(b.eq.2))'"
		);
		expect(errorOf(() => parse('or=(a.eq.1,)')).code).toBe(AppErrorCode.InvalidFilter);
	});
});

describe('select', () => {
	it('reads a column list and treats * as all columns', () => {
		expect(parse('select=name, email,name').select).toEqual(['name', 'email']);
		expect(parse('select=*').select).toBeUndefined();
		expect(parse('select=*,name').select).toBeUndefined();
		expect(parse('select=%22a,b%22,c').select).toEqual(['a,b', 'c']);
	});

	it('reads aliases and casts', () => {
		const query = parse('select=fullName:full_name,salary::text,age:years::int');
		expect(query.select).toEqual(['full_name', 'salary', 'years']);
		expect(query.shape).toEqual([
			{ type: 'field', field: 'full_name', alias: 'fullName' },
			{ type: 'field', field: 'salary', cast: 'text' },
			{ type: 'field', field: 'years', alias: 'age', cast: 'integer' }
		]);
		expect(errorOf(() => parse('select=salary::money')).message).toBe(
			"Cannot cast 'salary' to 'money' in select"
		);
		expect(errorOf(() => parse('select=data->kind')).field).toBe('select');
	});

	it('reads embeds: nested, aliased, hinted, inner and spread', () => {
		const query = parse(
			'select=name,boss:manager(name),actors!cast!inner(*),...client(name,city),films()'
		);
		expect(query.select).toEqual(['name']);
		expect(query.shape).toEqual([
			{ type: 'field', field: 'name' },
			{
				type: 'embed',
				name: 'manager',
				alias: 'boss',
				select: [{ type: 'field', field: 'name' }]
			},
			{ type: 'embed', name: 'actors', hint: 'cast', inner: true, select: [{ type: 'all' }] },
			{
				type: 'embed',
				name: 'client',
				spread: true,
				select: [
					{ type: 'field', field: 'name' },
					{ type: 'field', field: 'city' }
				]
			},
			{ type: 'embed', name: 'films', select: [] }
		]);
		expect(parse('select=*,a(*)').select).toBeUndefined();
		expect(parse('select=name,email').shape).toBeUndefined();
	});

	it('refuses embeds nested deeper than the cap, spreads of columns and unclosed embeds', () => {
		const deep = errorOf(() => parse('select=a(b(c(d(name))))'));
		expect(deep.message).toBe("Embeds nest at most 3 levels deep ('d' is deeper)");
		expect(toPostgrestError(deep).code).toBe('PGRST100');
		expect(parse('select=a(b(c(name)))').shape).toHaveLength(1);
		expect(errorOf(() => parse('select=...name')).field).toBe('select');
		expect(errorOf(() => parse('select=a(name')).message).toBe(
			"Unclosed '(' after 'a' in select at the end"
		);
		expect(errorOf(() => parse('select=a!x!y(name)')).field).toBe('select');
	});

	it('refuses empty items', () => {
		expect(errorOf(() => parse('select=a,,b')).message).toBe(
			"Expected a column name in select near ',b'"
		);
		expect(errorOf(() => parse('select=')).field).toBe('select');
	});
});

describe('order', () => {
	it('reads directions and nulls placement, ascending by default', () => {
		expect(parse('order=age.desc,height,name.asc.nullsfirst,city.nullslast').sort).toEqual([
			{ field: 'age', direction: 'desc' },
			{ field: 'height', direction: 'asc' },
			{ field: 'name', direction: 'asc', nulls: 'first' },
			{ field: 'city', direction: 'asc', nulls: 'last' }
		]);
	});

	it('refuses unknown or misplaced modifiers', () => {
		const error = errorOf(() => parse('order=age.descc'));
		expect(error.message).toBe("Unknown order modifier 'descc' for 'age'");
		expect(error.field).toBe('age');
		expect(errorOf(() => parse('order=age.nullsfirst.desc')).message).toBe(
			"Unknown order modifier 'desc' for 'age'"
		);
		expect(errorOf(() => parse('order=clients(name).desc')).field).toBe('order');
		expect(errorOf(() => parse('order=')).field).toBe('order');
	});
});

describe('limit and offset', () => {
	it('reads non-negative integers', () => {
		expect(parse('limit=25&offset=50')).toEqual({ limit: 25, offset: 50 });
		expect(parse('limit=0').limit).toBe(0);
		expect(parse(`limit=${MAX_PAGE_SIZE}`).limit).toBe(MAX_PAGE_SIZE);
	});

	it.each(['abc', '-1', '1.5', '', ' 5', '99999999999999999999'])(
		"refuses offset '%s' naming the parameter",
		(value) => {
			const error = errorOf(() => parse(`offset=${encodeURIComponent(value)}`));
			expect(error.code).toBe(AppErrorCode.InvalidFilter);
			expect(error.field).toBe('offset');
			expect(error.message).toBe(`'offset' must be a non-negative integer, not '${value}'`);
		}
	);

	it('refuses a page over the maximum size', () => {
		const error = errorOf(() => parse(`limit=${MAX_PAGE_SIZE + 1}`));
		expect(error.code).toBe(AppErrorCode.LimitExceeded);
		expect(error.field).toBe('limit');
		expect(errorOf(() => parse('limit=abc')).code).toBe(AppErrorCode.InvalidFilter);
	});

	it('refuses single-valued parameters given twice', () => {
		expect(errorOf(() => parse('limit=1&limit=2')).message).toBe("'limit' is given more than once");
		expect(errorOf(() => parse('order=a&order=b')).field).toBe('order');
	});
});

describe('reserved parameters', () => {
	it('skips the route’s own parameters and PostgREST’s write parameters', () => {
		expect(
			parse('search=jo&cursor=abc&columns=a,b&on_conflict=email&name=eq.x', ['search', 'cursor'])
		).toEqual({ filter: { type: 'condition', field: 'name', operator: 'eq', value: 'x' } });
	});

	it('treats an unreserved parameter as a filter', () => {
		expect(errorOf(() => parse('search=jo')).message).toBe(
			"Missing operator in filter on 'search'"
		);
	});
});

describe('parsePrefer', () => {
	it('reads every supported preference', () => {
		expect(
			parsePrefer(
				'return=representation, count=exact, missing=default, resolution=merge-duplicates, handling=lenient'
			)
		).toEqual({
			return: 'representation',
			count: 'exact',
			missing: 'default',
			resolution: 'merge-duplicates',
			handling: 'lenient'
		});
	});

	it('accepts the other values, any name case and quoted values', () => {
		expect(parsePrefer('Count=planned,return="headers-only";x=1')).toEqual({
			count: 'planned',
			return: 'headers-only'
		});
		expect(parsePrefer('count=estimated, return=minimal, resolution=ignore-duplicates')).toEqual({
			count: 'estimated',
			return: 'minimal',
			resolution: 'ignore-duplicates'
		});
	});

	it('keeps the first of repeated preferences, as from two Prefer headers', () => {
		expect(parsePrefer('count=exact, count=planned')).toEqual({ count: 'exact' });
	});

	it('ignores unknown preferences unless handling is strict', () => {
		expect(parsePrefer(null)).toEqual({});
		expect(parsePrefer('foo, count=lots, tx=rollback')).toEqual({});
		const error = errorOf(() => parsePrefer('handling=strict, foo, count=lots'));
		expect(error.message).toBe('Invalid preferences given with handling=strict');
		expect(error.details).toBe('Invalid preferences: foo, count=lots');
		expect(toPostgrestError(error).code).toBe('PGRST122');
	});

	it('honours missing=null by doing nothing, also under strict handling', () => {
		expect(parsePrefer('handling=strict, missing=null')).toEqual({ handling: 'strict' });
	});
});

describe('contentRange', () => {
	it('writes PostgREST’s Content-Range', () => {
		expect(contentRange({ offset: 0, returned: 25, total: 3573 })).toBe('0-24/3573');
		expect(contentRange({ offset: 30, returned: 15 })).toBe('30-44/*');
		expect(contentRange({ offset: 0, returned: 1, total: null })).toBe('0-0/*');
		expect(contentRange({ offset: 0, returned: 0, total: 0 })).toBe('*/0');
		expect(contentRange({ offset: 0, returned: 0 })).toBe('*/*');
		expect(contentRange({ offset: 4000, returned: 0, total: 3573 })).toBe('*/3573');
	});
});

describe('toPostgrestError', () => {
	it.each([
		[AppErrorCode.InvalidFilter, 'PGRST100', 400],
		[AppErrorCode.LimitExceeded, 'PGRST103', 400],
		[AppErrorCode.UnknownAttribute, 'PGRST204', 400],
		[AppErrorCode.InvalidValue, '22P02', 400],
		[AppErrorCode.InvalidInput, 'PGRST102', 400],
		[AppErrorCode.Forbidden, '42501', 403],
		[AppErrorCode.Unauthorized, 'PGRST301', 401],
		[AppErrorCode.NotFound, 'PGRST205', 404],
		[AppErrorCode.Conflict, '23505', 409],
		[AppErrorCode.RateLimited, 'PT429', 429],
		[AppErrorCode.TooLarge, 'PT413', 413]
	])('maps %s to %s with status %i', (code, postgrestCode, status) => {
		const error = new AppError(code, 'Something went wrong', { hint: 'Try again' });
		expect(toPostgrestError(error)).toEqual({
			code: postgrestCode,
			message: 'Something went wrong',
			details: null,
			hint: 'Try again'
		});
		expect(postgrestStatus(error)).toBe(status);
	});

	it('carries a parse error’s message and details as text', () => {
		const error = errorOf(() => parse('name=eqq.x'));
		expect(toPostgrestError(error)).toMatchObject({
			code: 'PGRST100',
			message: "Unknown operator 'eqq' in filter on 'name'",
			details: null
		});
		const withDetails = new AppError(AppErrorCode.InvalidValue, 'Bad date', {
			details: { row: 3 }
		});
		expect(toPostgrestError(withDetails).details).toBe('{"row":3}');
	});

	it('hides what it does not know', () => {
		expect(toPostgrestError(new Error('connection string postgres://secret'))).toEqual({
			code: 'XX000',
			message: 'Internal server error',
			details: null,
			hint: null
		});
		expect(postgrestStatus(new Error('boom'))).toBe(500);
		const internal = new AppError(AppErrorCode.Internal, 'Storage is unavailable', {
			details: 'ECONNREFUSED 10.0.0.5:5432'
		});
		expect(toPostgrestError(internal)).toMatchObject({ code: 'XX000', details: null });
	});
});
