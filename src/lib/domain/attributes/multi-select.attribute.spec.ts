import { describe, expect, it } from 'vitest';
import { multiSelectKind } from './multi-select.attribute';

const options = multiSelectKind.optionsSchema.parse({
	choices: [
		{ id: 'a', name: 'Vegan' },
		{ id: 'b', name: 'Gluten free' },
		{ id: 'c', name: 'Nut allergy' }
	]
});

describe('multiple select', () => {
	it('splits pasted text on commas, keeping order and each choice once', () => {
		expect(multiSelectKind.parse('nut allergy, Vegan,, Nut allergy', options)).toEqual({
			ok: true,
			value: ['Nut allergy', 'Vegan']
		});
		expect(multiSelectKind.format(['Nut allergy', 'Vegan'], options)).toBe('Nut allergy, Vegan');
	});

	it('reads an empty list as empty', () => {
		expect(multiSelectKind.validate([], options)).toEqual({ ok: true, value: null });
		expect(multiSelectKind.parse(' , ', options)).toEqual({ ok: true, value: null });
	});

	it('refuses a value that is not a choice', () => {
		expect(multiSelectKind.validate(['Vegan', 'Halal'], options)).toEqual({
			ok: false,
			message: '"Halal" is not one of the choices: Vegan, Gluten free, Nut allergy'
		});
	});

	it('is strict about JSON types', () => {
		expect(multiSelectKind.validate('Vegan', options)).toEqual({
			ok: false,
			message: 'Expected a list of choice names'
		});
	});

	it('refuses commas in choice names, which separate values in text', () => {
		const result = multiSelectKind.optionsSchema.safeParse({ choices: [{ name: 'Salt, pepper' }] });
		expect(result.success).toBe(false);
	});
});
