// Values in words for the kinds whose `format` is not what a person reads in a history entry or
// a read-only field; the registry names each one beside its kind.
import type { MemberInfo } from '$lib/client/grid/fields';
import type { Attachment, CellValue } from '$lib/domain/attributes/kind';
import type { GridField } from '$lib/client/grid/fields';

type Options = Pick<GridField, 'options'>;

export const describeCheckbox = (value: CellValue) => (value === true ? 'Checked' : 'Unchecked');

export const describeMember = (
	value: CellValue,
	_field: Options,
	members: readonly MemberInfo[]
) =>
	typeof value === 'string'
		? (members.find((member) => member.userId === value)?.name ?? 'Unknown user')
		: undefined;

export const describeLinks = (value: CellValue) =>
	Array.isArray(value)
		? value.length === 1
			? '1 linked record'
			: `${value.length} linked records`
		: undefined;

export const describeFiles = (value: CellValue) =>
	Array.isArray(value) ? (value as Attachment[]).map((file) => file.name).join(', ') : undefined;

export function describeRating(value: CellValue, field: Options) {
	if (typeof value !== 'number') return undefined;
	const max = Number(field.options.max ?? 5);
	return `${'★'.repeat(value)}${'☆'.repeat(Math.max(0, max - value))}`;
}
