// Who last changed the record, by user id.
import { computedKind } from './computed';
import { userKind } from './user.attribute';

export const updatedByKind = computedKind(userKind, {
	name: 'updated_by',
	label: 'Updated by',
	entityColumn: 'updated_by'
});
