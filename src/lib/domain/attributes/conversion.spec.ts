import { describe, expect, it } from 'vitest';
import { convertValue, previewConversion, type FieldShape } from './conversion';
import type { AttributeKindName } from './kind';
import { parseOptions } from './registry';

function field(kind: AttributeKindName, rawOptions?: unknown): FieldShape {
	const options = parseOptions(kind, rawOptions);
	if (!options.ok) throw new Error(options.message);
	return { kind, options: options.value };
}

const diets = {
	choices: [
		{ id: 'v', name: 'Vegan' },
		{ id: 'g', name: 'Gluten free' }
	]
};

describe('convertValue', () => {
	it('checks a value under new options of the same kind', () => {
		expect(
			convertValue({
				value: 'Ada Lovelace',
				from: field('text'),
				to: field('text', { maxLength: 3 })
			})
		).toEqual({ ok: false, message: 'Text is longer than 3 characters' });
	});

	it('carries values through a renamed choice', () => {
		const renamed = { choices: [{ id: 'v', name: 'Plant based' }, diets.choices[1]] };
		expect(
			convertValue({
				value: ['Vegan', 'Gluten free'],
				from: field('multi_select', diets),
				to: field('multi_select', renamed)
			})
		).toEqual({ ok: true, value: ['Plant based', 'Gluten free'] });
	});

	it('turns a multiple select into a single one only when one choice is set', () => {
		const from = field('multi_select', diets);
		const to = field('single_select', diets);
		expect(convertValue({ value: ['Vegan'], from, to })).toEqual({ ok: true, value: 'Vegan' });
		expect(convertValue({ value: ['Vegan', 'Gluten free'], from, to })).toEqual({
			ok: false,
			message: 'Has 2 choices (Vegan, Gluten free); a single select keeps one'
		});
	});

	it('splits text into choices, each of which must exist', () => {
		const to = field('multi_select', diets);
		expect(convertValue({ value: 'vegan, gluten free', from: field('text'), to })).toEqual({
			ok: true,
			value: ['Vegan', 'Gluten free']
		});
		expect(convertValue({ value: 'Vegan, Halal', from: field('text'), to })).toEqual({
			ok: false,
			message: '"Halal" is not one of the choices: Vegan, Gluten free'
		});
	});

	it('formats anything into text', () => {
		const to = field('text');
		expect(convertValue({ value: 1234.5, from: field('currency'), to })).toEqual({
			ok: true,
			value: '€1,234.50'
		});
		expect(convertValue({ value: true, from: field('checkbox'), to })).toEqual({
			ok: true,
			value: 'TRUE'
		});
		expect(
			convertValue({
				value: [{ key: 'k', name: 'badge.png', size: 1, contentType: 'image/png' }],
				from: field('attachment'),
				to
			})
		).toEqual({ ok: true, value: 'badge.png' });
	});

	it('moves numbers between numeric kinds without their symbols', () => {
		expect(convertValue({ value: 1234.5, from: field('currency'), to: field('number') })).toEqual({
			ok: true,
			value: 1234.5
		});
		expect(convertValue({ value: 12.5, from: field('percent'), to: field('currency') })).toEqual({
			ok: true,
			value: 12.5
		});
		expect(convertValue({ value: 7, from: field('number'), to: field('rating') })).toEqual({
			ok: false,
			message: 'Expected a rating from 1 to 5'
		});
	});

	it('counts a checked box as 1', () => {
		const from = field('checkbox');
		expect(convertValue({ value: true, from, to: field('number') })).toEqual({
			ok: true,
			value: 1
		});
		expect(convertValue({ value: false, from, to: field('number') })).toEqual({
			ok: true,
			value: 0
		});
	});

	it('keeps the wall-clock date when a date and time becomes a date', () => {
		expect(
			convertValue({
				value: '2025-03-14T23:30:00.000Z',
				from: field('datetime', { timeZone: 'Europe/Berlin' }),
				to: field('date')
			})
		).toEqual({ ok: true, value: '2025-03-15' });
		expect(
			convertValue({ value: '2025-03-14', from: field('date'), to: field('datetime') })
		).toEqual({ ok: true, value: '2025-03-14T00:00:00.000Z' });
	});

	it('copies computed values into a writable field', () => {
		expect(convertValue({ value: 1204, from: field('auto_number'), to: field('number') })).toEqual({
			ok: true,
			value: 1204
		});
	});

	it('cannot write into a computed kind', () => {
		expect(convertValue({ value: 5, from: field('number'), to: field('auto_number') })).toEqual({
			ok: false,
			message: 'This value is computed and cannot be written'
		});
	});

	it('keeps empty values empty, an empty checkbox being unchecked', () => {
		expect(convertValue({ value: null, from: field('text'), to: field('number') })).toEqual({
			ok: true,
			value: null
		});
		expect(convertValue({ value: null, from: field('text'), to: field('checkbox') })).toEqual({
			ok: true,
			value: false
		});
	});
});

describe('previewConversion', () => {
	it('counts what converts and lists what does not, by position', () => {
		const preview = previewConversion(
			['12', 'twelve', null, '1,5', 'n/a'],
			field('text'),
			field('number')
		);
		expect(preview).toEqual({
			converted: 3,
			failures: [
				{ index: 1, value: 'twelve', message: 'Expected a number, got "twelve"' },
				{ index: 4, value: 'n/a', message: 'Expected a number, got "n/a"' }
			]
		});
	});
});
