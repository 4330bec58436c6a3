// A calendar date with no time or zone: a birthday is the same day everywhere. Kept as
// 'YYYY-MM-DD' and stored as UTC midnight so the time column sorts and ranges it.
import { fail, ok, type AttributeKind } from './kind';
import { displayDate, readDateOfDateTime, readIsoDate } from './calendar';
import { noOptions, type NoOptions } from './option-schemas';
import { readStoredInstant } from './storage';

export const dateKind: AttributeKind<NoOptions, string> = {
	name: 'date',
	label: 'Date',
	optionsSchema: noOptions,
	storage: 'value_time',
	isSearchable: false,
	validate(input) {
		if (input === null || input === undefined) return ok(null);
		const date = typeof input === 'string' ? readIsoDate(input) : null;
		return date ? ok(date.toString()) : fail('Expected a date like 2025-03-14');
	},
	// A pasted date-time keeps the date as written, whatever its zone says.
	parse(text, _options, locale) {
		const trimmed = text.trim();
		if (trimmed === '') return ok(null);
		const date = readDateOfDateTime(trimmed, locale);
		return date.ok ? ok(date.value.toString()) : date;
	},
	format: (value) => value ?? '',
	display(value, _options, locale) {
		const date = readIsoDate(value);
		return date ? displayDate(date, locale) : value;
	},
	toStorage: (value) => readIsoDate(value)!.toDate('UTC'),
	fromStorage(raw) {
		const instant = readStoredInstant(raw);
		return instant && instant.toISOString().slice(0, 10);
	}
};
