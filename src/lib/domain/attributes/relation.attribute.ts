// Links to records of another entity type, by record id, in the order given. That the ids
// exist and belong to the target type is the write path's check.
import { z } from 'zod';
import { fail, ok, type AttributeKind, type KindResult } from './kind';
import { readStoredTextList, toStoredJson } from './storage';
import { isUuid } from '../ids';
import { isTextList, quoted, splitList, withoutDuplicates } from './text-input';

const optionsSchema = z.object({
	targetEntityTypeId: z.guid({ error: 'Choose the record type this field links to' }),
	inverseAttributeId: z.guid({ error: 'The linked field must be an id' }).optional(),
	allowMultiple: z.boolean({ error: 'Allow multiple must be true or false' }).default(true)
});

export type RelationOptions = z.output<typeof optionsSchema>;

function readRecordIds(written: string[], options: RelationOptions): KindResult<string[] | null> {
	const ids = written.map((id) => id.trim()).filter((id) => id !== '');
	const invalid = ids.find((id) => !isUuid(id));
	if (invalid !== undefined) return fail(`Expected record ids, got ${quoted(invalid)}`);
	const linked = withoutDuplicates(ids.map((id) => id.toLowerCase()));
	if (linked.length === 0) return ok(null);
	if (linked.length > 1 && !options.allowMultiple) return fail('Only one linked record is allowed');
	return ok(linked);
}

export const relationKind: AttributeKind<RelationOptions, string[]> = {
	name: 'relation',
	label: 'Link to records',
	optionsSchema,
	storage: 'value_json',
	isSearchable: false,
	validate(input, options) {
		if (input === null || input === undefined) return ok(null);
		return isTextList(input)
			? readRecordIds(input, options)
			: fail('Expected a list of record ids');
	},
	parse: (text, options) => readRecordIds(splitList(text, /[\s,;]+/), options),
	format: (value) => value?.join(', ') ?? '',
	toStorage: toStoredJson,
	fromStorage: readStoredTextList
};
