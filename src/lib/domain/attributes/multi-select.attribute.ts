// Any number of the field's choices, stored by name in the order given, each once.
import { fail, ok, type AttributeKind, type KindResult } from './kind';
import { matchChoice, notAChoice, selectOptionsSchema, type SelectOptions } from './choices';
import { readStoredTextList, toStoredJson } from './storage';
import { isTextList, splitList, withoutDuplicates } from './text-input';

function readChoices(names: string[], options: SelectOptions): KindResult<string[] | null> {
	const matched: string[] = [];
	for (const name of names.map((name) => name.trim()).filter((name) => name !== '')) {
		const choice = matchChoice(name, options);
		if (choice === null) return fail(notAChoice(name, options));
		matched.push(choice);
	}
	return ok(matched.length === 0 ? null : withoutDuplicates(matched));
}

export const multiSelectKind: AttributeKind<SelectOptions, string[]> = {
	name: 'multi_select',
	label: 'Multiple select',
	optionsSchema: selectOptionsSchema({ isList: true }),
	storage: 'value_json',
	isSearchable: false,
	validate(input, options) {
		if (input === null || input === undefined) return ok(null);
		return isTextList(input)
			? readChoices(input, options)
			: fail('Expected a list of choice names');
	},
	parse: (text, options) => readChoices(splitList(text, /,/), options),
	format: (value) => value?.join(', ') ?? '',
	toStorage: toStoredJson,
	fromStorage: readStoredTextList
};
