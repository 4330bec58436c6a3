// The order groups show in, per kind, as spreadsheet users expect: a select's choices in the
// field's own order (not alphabetical), a checkbox unticked then ticked, people by name, text in
// natural order ("Item 2" before "Item 10"); the empty group always last. A descending sort on
// the group field reverses the order of the values, never the empty group's place.
import type { SortKey } from '$lib/domain/query/ast';
import { isUserKind, type GridField, type MemberInfo } from './fields';
import type { GroupLevel, GroupValue } from './group-layout';

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Ranks values by position in a list; values not in it follow, in natural order. */
function byList(list: string[]) {
	const rank = new Map(list.map((name, index) => [name, index]));
	return (a: string, b: string) =>
		(rank.get(a) ?? list.length) - (rank.get(b) ?? list.length) || collator.compare(a, b);
}

export function groupLevel(
	field: GridField,
	members: MemberInfo[],
	direction: SortKey['direction'] = 'asc'
): GroupLevel {
	const isCheckbox = field.kind === 'checkbox';
	let compareValues: (a: string, b: string) => number = (a, b) => collator.compare(a, b);
	if (field.kind === 'single_select') {
		const choices = (field.options.choices as { name: string }[] | undefined) ?? [];
		compareValues = byList(choices.map((choice) => choice.name));
	} else if (isUserKind(field.kind)) {
		const names = new Map(members.map((member) => [member.userId, member.name]));
		compareValues = (a, b) => collator.compare(names.get(a) ?? a, names.get(b) ?? b);
	}
	const sign = direction === 'desc' ? -1 : 1;
	return {
		key: field.key,
		normalize: (value) => (isCheckbox ? value === true : value === '' ? null : value),
		compare(a: GroupValue, b: GroupValue) {
			if (a === b) return 0;
			if (a === null) return 1;
			if (b === null) return -1;
			if (typeof a === 'boolean' || typeof b === 'boolean') return sign * (Number(a) - Number(b));
			return sign * compareValues(a, b);
		}
	};
}
