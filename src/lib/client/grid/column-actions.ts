// What a column's menu (the header's chevron, or a right-click on the header) asks the sheet to
// do. The grid only reports the choice; the sheet owns the view config and the schema dialogs.
export type ColumnAction =
	| { type: 'sort'; direction: 'asc' | 'desc' | null }
	| { type: 'filter' }
	| { type: 'group' }
	| { type: 'hide' }
	| { type: 'rename' }
	| { type: 'edit' }
	| { type: 'insert'; side: 'left' | 'right' }
	| { type: 'duplicate' }
	| { type: 'delete' };

/** What the column menu may offer this user on this column. */
export interface ColumnMenuOptions {
	/** Owners and editors of the schema: rename, edit, insert, duplicate, delete. */
	canManageSchema: boolean;
	/** Whether the field's kind makes groups (and grouping is not already by it). */
	canGroup: boolean;
	/** Link fields are one half of a pair and are not duplicated. */
	canDuplicate: boolean;
}
