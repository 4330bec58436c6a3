// Which query operators a filter may apply to each kind; the filter bar offers these and the
// query compiler refuses the rest. On lists (multiple select, links) `contains` means "has
// this item" and `in` means "has any of these".
import type { FilterOperator } from '../query/ast';
import type { AttributeKindName } from './kind';

const emptiness = ['is_empty', 'is_not_empty'] as const;
const ordering = ['eq', 'neq', 'lt', 'lte', 'gt', 'gte'] as const;
const textMatching = ['contains', 'starts_with', 'like', 'ilike'] as const;
const identity = ['eq', 'neq', 'in'] as const;
const listMembership = ['contains', 'in'] as const;

const shortText = [...ordering, ...textMatching, 'in', ...emptiness] as const;
const amount = [...ordering, 'in', ...emptiness] as const;

// Every record has a sequence number and timestamps, so those skip the emptiness tests; the
// creator and last editor can be empty once their user is deleted.
const operatorsByKind: Record<AttributeKindName, readonly FilterOperator[]> = {
	text: shortText,
	long_text: ['eq', 'neq', ...textMatching, ...emptiness],
	number: amount,
	currency: amount,
	percent: amount,
	rating: amount,
	date: [...ordering, 'in', ...emptiness],
	datetime: [...ordering, ...emptiness],
	checkbox: ['eq', 'neq'],
	single_select: [...identity, ...emptiness],
	multi_select: [...listMembership, ...emptiness],
	email: shortText,
	phone: shortText,
	url: shortText,
	user: [...identity, ...emptiness],
	relation: [...listMembership, ...emptiness],
	attachment: emptiness,
	auto_number: [...ordering, 'in'],
	created_at: ordering,
	updated_at: ordering,
	created_by: [...identity, ...emptiness],
	updated_by: [...identity, ...emptiness]
};

export const filterOperatorsFor = (kind: AttributeKindName): readonly FilterOperator[] =>
	operatorsByKind[kind];
