// When the record was created, read like a date and time in the field's zone.
import { computedKind } from './computed';
import { datetimeKind } from './datetime.attribute';

export const createdAtKind = computedKind(datetimeKind, {
	name: 'created_at',
	label: 'Created at',
	entityColumn: 'created_at'
});
