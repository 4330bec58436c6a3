import { describe, expect, it } from 'vitest';
import { AppError, AppErrorCode } from '../errors';
import { parsePostgrestQuery } from './postgrest';
import { checkQueryFields } from './validate';

const known = new Set(['id', 'name', 'email', 'age', 'created_at']);
const parse = (search: string) => parsePostgrestQuery(new URLSearchParams(search));

function unknownFieldOf(search: string) {
	try {
		checkQueryFields(parse(search), known);
	} catch (error) {
		if (error instanceof AppError && error.code === AppErrorCode.UnknownAttribute) {
			return { field: error.field, message: error.message };
		}
		throw error;
	}
	return null;
}

describe('checkQueryFields', () => {
	it('accepts a query on known fields only', () => {
		expect(
			unknownFieldOf(
				'select=id,name&age=gte.18&or=(name.eq.x,and(email.is.null,id.in.(1,2)))&order=created_at.desc'
			)
		).toBeNull();
		expect(unknownFieldOf('')).toBeNull();
	});

	it('names an unknown field in select, filter and order', () => {
		expect(unknownFieldOf('select=id,nmae')).toEqual({
			field: 'nmae',
			message: "Unknown column 'nmae' in select"
		});
		expect(unknownFieldOf('age=gte.18&status=eq.x')).toEqual({
			field: 'status',
			message: "Unknown column 'status' in filter"
		});
		expect(unknownFieldOf('order=name,score.desc')).toEqual({
			field: 'score',
			message: "Unknown column 'score' in order"
		});
	});

	it('finds fields deep inside nested trees', () => {
		expect(unknownFieldOf('not.or=(name.eq.x,and(age.gt.1,not.or(secret.eq.1)))')?.field).toBe(
			'secret'
		);
	});

	it('reports select before filter before order', () => {
		expect(unknownFieldOf('order=b&a=eq.1&select=c')?.field).toBe('c');
		expect(unknownFieldOf('order=b&a=eq.1')?.field).toBe('a');
	});
});
