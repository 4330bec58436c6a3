import { describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import { attributeKindNames, type AttributeKindName, type CellValue } from './kind';
import { kindOf, kinds, parseOptions } from './registry';

const recordA = '0f8fad5b-d9cb-469f-a165-70867728950e';
const recordB = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

const optionsFor: Partial<Record<AttributeKindName, unknown>> = {
	single_select: {
		choices: [
			{ id: '1', name: 'Confirmed' },
			{ id: '2', name: 'Waitlist' }
		]
	},
	multi_select: {
		choices: [
			{ id: '1', name: 'Vegan' },
			{ id: '2', name: 'Gluten free' }
		]
	},
	relation: { targetEntityTypeId: '3b241101-e2bb-4255-8caf-4136c566a962' },
	datetime: { timeZone: 'Europe/Berlin' },
	created_at: { timeZone: 'America/New_York' }
};

// Valid normal-form values per kind; attachments are left out of the text round trip because
// text cannot create files.
const samples: Record<AttributeKindName, CellValue[]> = {
	text: ['Ada Lovelace', '42', 'a, b; "c"'],
	long_text: ['Line one\n  indented line two', ' leading space kept'],
	number: [0, -12.5, 1234567.891, 0.0000001, 1e21],
	currency: [1234.5, -0.99, 0],
	percent: [12.5, -3, 100, 0.25],
	date: ['2025-03-14', '0001-01-01', '2024-02-29'],
	datetime: ['2025-03-14T08:30:00.000Z', '2025-10-26T01:30:00.000Z', '2025-06-01T12:00:00.123Z'],
	checkbox: [true, false],
	single_select: ['Confirmed', 'Waitlist'],
	multi_select: [['Vegan'], ['Gluten free', 'Vegan']],
	email: ['ada@example.org'],
	phone: ['+4930123456', '030123456'],
	url: ['https://example.org/a?b=c', 'http://localhost:5173'],
	user: [recordA],
	relation: [[recordA], [recordB, recordA]],
	attachment: [[{ key: 'k1', name: 'badge.png', size: 10, contentType: 'image/png' }]],
	rating: [1, 5],
	auto_number: [1, 1204],
	created_at: ['2025-03-14T08:30:00.000Z', '2025-11-02T06:30:00.000Z'],
	created_by: [recordA],
	updated_at: ['2025-03-14T08:30:59.999Z'],
	updated_by: [recordB]
};

const optionsOf = (name: AttributeKindName) => {
	const parsed = parseOptions(name, optionsFor[name]);
	if (!parsed.ok) throw new Error(parsed.message);
	return parsed.value;
};

// What pg hands back for the value a kind stores: numeric as text, jsonb parsed, times as Date.
function asPgReturnsIt(stored: unknown, name: AttributeKindName): unknown {
	const kind = kinds[name];
	if (kind.storage === 'value_num') return String(stored);
	if (kind.storage === 'value_json') return JSON.parse(stored as string);
	return stored;
}

describe('kind registry', () => {
	it('has every kind under its own name', () => {
		for (const name of attributeKindNames) expect(kinds[name].name).toBe(name);
	});

	it('finds kinds by name and refuses unknown ones', () => {
		expect(kindOf('email')).toBe(kinds.email);
		expect(() => kindOf('formula')).toThrow(AppError);
	});

	it('fills defaults for every kind but a relation, which needs its target', () => {
		for (const name of attributeKindNames) {
			expect(parseOptions(name, undefined).ok).toBe(name !== 'relation');
		}
		expect(parseOptions('text', null)).toEqual({ ok: true, value: { maxLength: 10_000 } });
		expect(parseOptions('relation', {})).toEqual({
			ok: false,
			message: 'Choose the record type this field links to'
		});
	});

	it('explains bad options in words', () => {
		expect(parseOptions('text', { maxLength: 0 })).toEqual({
			ok: false,
			message: 'Maximum length must be a whole number from 1 to 100000'
		});
		expect(parseOptions('rating', 'five')).toEqual({
			ok: false,
			message: 'Field settings must be an object'
		});
	});

	it('marks the text kinds searchable', () => {
		const searchable = attributeKindNames.filter((name) => kinds[name].isSearchable);
		expect(searchable).toEqual(['text', 'long_text', 'single_select', 'email', 'phone', 'url']);
	});

	describe.each(attributeKindNames.map((name) => [name]))('%s', (name) => {
		const kind = kinds[name];
		const options = optionsOf(name);

		it('accepts its samples as they are', () => {
			for (const value of samples[name]) {
				if (kind.storage !== null)
					expect(kind.validate(value, options)).toEqual({ ok: true, value });
			}
		});

		// Attachments format as file names, which cannot be read back into files: text can only
		// empty an attachment cell, so there is no round trip to check for that kind.
		it.skipIf(name === 'attachment')('reads back what it formats', () => {
			for (const value of samples[name]) {
				expect(kind.parse(kind.format(value, options), options)).toEqual({ ok: true, value });
			}
		});

		it('reads back what it stores', () => {
			for (const value of samples[name]) {
				const raw = asPgReturnsIt(kind.toStorage(value), name);
				expect(kind.fromStorage(raw)).toEqual(value);
			}
			expect(kind.fromStorage(null)).toEqual(name === 'checkbox' ? false : null);
		});
	});

	it('fails loudly on a stored value the write path never produces', () => {
		expect(() => kinds.number.fromStorage('abc')).toThrow(AppError);
		expect(() => kinds.multi_select.fromStorage({ not: 'a list' })).toThrow(AppError);
	});
});
