// An instant, kept as an ISO string in UTC. The field's time zone says how it is shown and
// how a pasted time without a zone ('2025-03-14 09:30') is read.
import { z } from 'zod';
import { fail, ok, type AttributeKind } from './kind';
import {
	canonicalTimeZone,
	displayInstant,
	formatInstant,
	isTimeZone,
	readInstant
} from './calendar';
import { readStoredInstant } from './storage';

const optionsSchema = z.object({
	timeZone: z
		.string({ error: 'Time zone must be a name like Europe/Berlin' })
		.refine(isTimeZone, { error: 'Time zone must be a name like Europe/Berlin' })
		.transform(canonicalTimeZone)
		.default('UTC')
});

export type DateTimeOptions = z.output<typeof optionsSchema>;

export const datetimeKind: AttributeKind<DateTimeOptions, string> = {
	name: 'datetime',
	label: 'Date and time',
	optionsSchema,
	storage: 'value_time',
	isSearchable: false,
	validate(input, options) {
		if (input === null || input === undefined) return ok(null);
		if (typeof input !== 'string')
			return fail('Expected a date and time like 2025-03-14T09:30:00Z');
		const instant = readInstant(input.trim(), options.timeZone, true);
		return instant.ok ? ok(instant.value.toISOString()) : instant;
	},
	parse(text, options, locale) {
		const trimmed = text.trim();
		if (trimmed === '') return ok(null);
		const instant = readInstant(trimmed, options.timeZone, false, locale);
		return instant.ok ? ok(instant.value.toISOString()) : instant;
	},
	format: (value, options) =>
		value === null ? '' : formatInstant(new Date(value), options.timeZone),
	// To the minute, in the locale's words: a created-at's seconds and milliseconds are noise.
	display: (value, options, locale) => displayInstant(new Date(value), options.timeZone, locale),
	toStorage: (value) => new Date(value),
	fromStorage: (raw) => readStoredInstant(raw)?.toISOString() ?? null
};
