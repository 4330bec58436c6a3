// When the record last changed, read like a date and time in the field's zone.
import { computedKind } from './computed';
import { datetimeKind } from './datetime.attribute';

export const updatedAtKind = computedKind(datetimeKind, {
	name: 'updated_at',
	label: 'Updated at',
	entityColumn: 'updated_at'
});
