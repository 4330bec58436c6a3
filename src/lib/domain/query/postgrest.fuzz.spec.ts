// Property test of the PostgREST query grammar: whatever a client puts in the query string or
// the Prefer header, the parser either returns a query or throws its own coded 4xx error,
// never anything else (a TypeError, a stack overflow, a 500). FUZZ_SEED reproduces a run; the
// seed is printed in the failure message.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppErrorCode, httpStatusOf, isAppError } from '../errors';
import { parsePostgrestQuery, parsePrefer } from './postgrest';
import { checkQueryFields } from './validate';

const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const settings = { seed, numRuns: 2_000 };

/** How the last property's cases ended: a fuzzer that only ever hits one branch proves little. */
const outcomes = { parsed: 0, refused: 0 };

/** Passes when `work` returns or throws a coded client error; rethrows anything else. */
function onlyCodedErrors(work: () => unknown): void {
	try {
		work();
		outcomes.parsed++;
	} catch (error) {
		outcomes.refused++;
		const isClientError =
			isAppError(error) &&
			error.code !== AppErrorCode.Internal &&
			httpStatusOf[error.code] >= 400 &&
			httpStatusOf[error.code] < 500;
		if (!isClientError) throw error;
	}
}

const fields = ['id', 'name', 'age', 'city', 'created_at', 'Name', 'a b', 'ünï'];
const operatorNames = [
	'eq',
	'neq',
	'gt',
	'gte',
	'lt',
	'lte',
	'like',
	'ilike',
	'in',
	'is',
	'cs',
	'fts',
	'plfts',
	'cd',
	'ov',
	'match',
	'isdistinct',
	'not',
	'any',
	'all',
	''
];
const awkward = fc.constantFrom(
	'',
	'.',
	',',
	'(',
	')',
	'"',
	'\\',
	'*',
	'%',
	'null',
	'true',
	'unknown',
	'NaN',
	'-1',
	'1e309',
	'9007199254740993',
	'\u0000',
	'\uD800',
	'👋',
	' ',
	'not.',
	'asc',
	'desc',
	'nullsfirst',
	'->',
	'::'
);
const word = fc.oneof(fc.constantFrom(...fields), fc.string({ maxLength: 8 }), awkward);

/** A value that looks like PostgREST's grammar, with its joints in odd places. */
const filterValue: fc.Arbitrary<string> = fc.letrec((tie) => ({
	value: fc.oneof(
		{ depthSize: 'small', withCrossShrink: true },
		fc.string({ maxLength: 12 }),
		fc
			.tuple(fc.boolean(), fc.constantFrom(...operatorNames), word)
			.map(([isNot, operator, operand]) => `${isNot ? 'not.' : ''}${operator}.${operand}`),
		fc.array(word, { maxLength: 5 }).map((items) => `in.(${items.join(',')})`),
		fc
			.array(fc.tuple(word, tie('value') as fc.Arbitrary<string>), { maxLength: 3 })
			.map((pairs) => `(${pairs.map(([field, rest]) => `${field}.${rest}`).join(',')})`),
		fc.array(word, { maxLength: 6 }).map((parts) => parts.join(''))
	)
})).value;

const parameterName = fc.oneof(
	fc.constantFrom(...fields, 'select', 'order', 'limit', 'offset', 'or', 'and', 'not.or'),
	fc.constantFrom('not.and', 'columns', 'on_conflict', 'search', 'cursor'),
	fc.string({ maxLength: 10 })
);

const queryString = fc
	.array(fc.tuple(parameterName, fc.oneof(filterValue, fc.string({ maxLength: 40 }))), {
		maxLength: 6
	})
	.map((pairs) => new URLSearchParams(pairs));

describe('the PostgREST query parser under fuzzing', () => {
	it('answers any structured query string with a query or its own coded 4xx', () => {
		fc.assert(
			fc.property(queryString, (params) =>
				onlyCodedErrors(() => {
					const query = parsePostgrestQuery(params, { reserved: ['search', 'cursor'] });
					checkQueryFields(query, new Set(fields));
				})
			),
			settings
		);
		expect(outcomes.parsed).toBeGreaterThan(settings.numRuns / 10);
		expect(outcomes.refused).toBeGreaterThan(settings.numRuns / 10);
	});

	it('answers any raw query string with a query or its own coded 4xx', () => {
		fc.assert(
			fc.property(fc.string({ maxLength: 200, unit: 'binary' }), (raw) =>
				onlyCodedErrors(() => parsePostgrestQuery(new URLSearchParams(raw)))
			),
			settings
		);
	});

	it('survives deep nesting in logic parameters', () => {
		fc.assert(
			fc.property(fc.integer({ min: 1, max: 5_000 }), fc.constantFrom('or', 'and'), (depth, key) =>
				onlyCodedErrors(() =>
					parsePostgrestQuery(
						new URLSearchParams([[key, `${'(or'.repeat(depth)}(a.eq.1${')'.repeat(depth * 2)}`]])
					)
				)
			),
			{ ...settings, numRuns: 50 }
		);
	});

	it('answers any Prefer header with preferences or a coded 4xx', () => {
		const preference = fc.oneof(
			fc.constantFrom('count=exact', 'return=representation', 'handling=strict', 'missing=default'),
			fc.string({ maxLength: 20 })
		);
		fc.assert(
			fc.property(
				fc.array(preference, { maxLength: 5 }),
				fc.constantFrom(',', ';', ', '),
				(items, separator) => onlyCodedErrors(() => parsePrefer(items.join(separator)))
			),
			settings
		);
	});
});
