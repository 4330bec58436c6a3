// Who created the record, by user id.
import { computedKind } from './computed';
import { userKind } from './user.attribute';

export const createdByKind = computedKind(userKind, {
	name: 'created_by',
	label: 'Created by',
	entityColumn: 'created_by'
});
