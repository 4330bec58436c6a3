// What the server answers for a grouped grid view: each leaf group's raw stored values and how
// many records of the whole filtered view it holds, in the order the records query walks them.
// Shared by the counting service and the grid's layout.

/** A grid shows at most this many groups; a text field with more values is refused. */
export const MAX_GROUPS = 5000;

/** A raw stored group value: text (a select's choice, a user id), a checkbox, or none. */
export type GroupValue = string | boolean | null;

export interface GroupCount {
	/** Each level's value, outermost first. */
	values: GroupValue[];
	count: number;
}
