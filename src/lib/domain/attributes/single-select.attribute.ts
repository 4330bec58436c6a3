// One choice out of the field's list, stored by name.
import { fail, ok, type AttributeKind, type KindResult } from './kind';
import { matchChoice, notAChoice, selectOptionsSchema, type SelectOptions } from './choices';
import { readStoredText } from './storage';

function readChoice(text: string, options: SelectOptions): KindResult<string | null> {
	const name = text.trim();
	if (name === '') return ok(null);
	const choice = matchChoice(name, options);
	return choice === null ? fail(notAChoice(name, options)) : ok(choice);
}

export const singleSelectKind: AttributeKind<SelectOptions, string> = {
	name: 'single_select',
	label: 'Single select',
	optionsSchema: selectOptionsSchema({ isList: false }),
	storage: 'value_text',
	isSearchable: true,
	validate(input, options) {
		if (input === null || input === undefined) return ok(null);
		return typeof input === 'string'
			? readChoice(input, options)
			: fail('Expected the name of a choice');
	},
	parse: readChoice,
	format: (value) => value ?? '',
	toStorage: (value) => value,
	fromStorage: readStoredText
};
