// Checks a parsed query against the columns an entity type really has, so a typo in a URL or
// the filter bar answers "unknown column" instead of silently matching nothing.

import { AppError, AppErrorCode } from '../errors';
import type { FilterNode, RecordQuery } from './ast';

/** Throws `UnknownAttribute` for the first field, in select, filter then sort, not in `knownFields`. */
export function checkQueryFields(query: RecordQuery, knownFields: Set<string>): void {
	const fields: [field: string, parameter: string][] = [
		...(query.select ?? []).map((field): [string, string] => [field, 'select']),
		...(query.filter ? filterFields(query.filter) : []).map((field): [string, string] => [
			field,
			'filter'
		]),
		...(query.sort ?? []).map((key): [string, string] => [key.field, 'order'])
	];
	for (const [field, parameter] of fields) {
		if (!knownFields.has(field)) {
			throw new AppError(
				AppErrorCode.UnknownAttribute,
				`Unknown column '${field}' in ${parameter}`,
				{
					field,
					hint: "Use the attribute keys of this entity type, or 'id'"
				}
			);
		}
	}
}

function filterFields(node: FilterNode): string[] {
	return node.type === 'condition' ? [node.field] : node.children.flatMap(filterFields);
}
