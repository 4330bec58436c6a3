// A space's locale: a BCP 47 tag (en-GB, de-DE, en-US) from which the order people write dates
// in, the first day of their week and how their numbers look all follow, through Intl and
// @internationalized/date. Parsing, display and the date picker take it as a parameter; pure.
import { CalendarDate, getDayOfWeek } from '@internationalized/date';
import { z } from 'zod';

/** What spaces made before the setting existed keep: dates were read month first. */
export const DEFAULT_LOCALE = 'en-US';

/** How the three parts of a numeric date follow each other in a locale. */
export type DateOrder = 'dmy' | 'mdy' | 'ymd';

/** 0 is Sunday, 1 Monday, ... 6 Saturday (the date picker's numbering). */
export type WeekDay = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/** A space's locale setting, as the space carries it. */
export interface SpaceLocale {
	locale: string;
	/** The week's first day when the space sets it; null follows the locale. */
	weekStart: WeekDay | null;
}

/** The locales offered in the space settings; any tag Intl knows is accepted by the API. */
export const LOCALE_CHOICES = [
	'en-US',
	'en-GB',
	'en-IE',
	'en-CA',
	'en-AU',
	'de-DE',
	'de-AT',
	'de-CH',
	'fr-FR',
	'fr-CH',
	'it-IT',
	'es-ES',
	'nl-NL',
	'pt-PT',
	'pt-BR',
	'da-DK',
	'sv-SE',
	'nb-NO',
	'fi-FI',
	'pl-PL',
	'cs-CZ',
	'ja-JP'
] as const;

/** The tag in its canonical spelling ('en-gb' -> 'en-GB'), or null when Intl does not know it. */
export function canonicalLocale(tag: string): string | null {
	try {
		const [canonical] = Intl.getCanonicalLocales(tag);
		if (!canonical || Intl.DateTimeFormat.supportedLocalesOf(canonical).length === 0) return null;
		return canonical;
	} catch {
		return null;
	}
}

export const localeSchema = z
	.string({ error: 'must be a locale like en-GB or de-DE' })
	.trim()
	.transform((tag, context) => {
		const canonical = canonicalLocale(tag);
		if (!canonical) {
			context.addIssue({ code: 'custom', message: 'must be a locale like en-GB or de-DE' });
			return z.NEVER;
		}
		return canonical;
	});

export const weekStartSchema = z
	.number({ error: 'must be a day from 0 (Sunday) to 6 (Saturday), or null' })
	.int('must be a day from 0 (Sunday) to 6 (Saturday), or null')
	.min(0, 'must be a day from 0 (Sunday) to 6 (Saturday), or null')
	.max(6, 'must be a day from 0 (Sunday) to 6 (Saturday), or null')
	.nullable()
	.transform((day) => day as WeekDay | null);

const orders = new Map<string, DateOrder>();

/** The order of day, month and year in the locale's numeric dates (10/07/2026 in en-GB: dmy). */
export function dateOrder(locale: string): DateOrder {
	let order = orders.get(locale);
	if (!order) {
		const parts = new Intl.DateTimeFormat(locale, {
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			timeZone: 'UTC'
		})
			.formatToParts(0)
			.map((part) => part.type)
			.filter((type) => type === 'day' || type === 'month' || type === 'year');
		order = parts[0] === 'year' ? 'ymd' : parts[0] === 'month' ? 'mdy' : 'dmy';
		orders.set(locale, order);
	}
	return order;
}

/** The first day of the locale's week (Monday in en-GB and de-DE, Sunday in en-US). */
export function weekStartOf(locale: string): WeekDay {
	// 2024-01-07 was a Sunday: its place in the locale's week says where the week begins.
	const sundayIndex = getDayOfWeek(new CalendarDate(2024, 1, 7), locale);
	return ((7 - sundayIndex) % 7) as WeekDay;
}

/** The week's first day a space uses: its own setting, else its locale's. */
export const firstDayOf = (space: SpaceLocale): WeekDay =>
	space.weekStart ?? weekStartOf(space.locale);

/** A locale's name for the settings ("English (United Kingdom)"), in English. */
export function localeName(locale: string): string {
	try {
		return new Intl.DisplayNames(['en'], { type: 'language' }).of(locale) ?? locale;
	} catch {
		return locale;
	}
}

const dayNames = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export const weekDayName = (day: WeekDay) => dayNames[day]!;
