// The record's sequence number within its entity type, assigned on insert.
import { fail, ok, type AttributeKind } from './kind';
import { refuseWrite } from './computed';
import { readNumber } from './numeric';
import { noOptions, type NoOptions } from './option-schemas';
import { readStoredNumber } from './storage';
import { isBlank, quoted } from './text-input';

export const autoNumberKind: AttributeKind<NoOptions, number> = {
	name: 'auto_number',
	label: 'Auto number',
	optionsSchema: noOptions,
	storage: null,
	entityColumn: 'seq',
	isSearchable: false,
	validate: refuseWrite,
	// Reads filter operands ('seq greater than 100'), which must be whole numbers.
	parse(text) {
		if (isBlank(text)) return ok(null);
		const value = readNumber(text);
		return value !== null && Number.isInteger(value)
			? ok(value)
			: fail(`Expected a whole number, got ${quoted(text.trim())}`);
	},
	// No thousands separators: this is an identifier, read as '1234', not an amount.
	format: (value) => (value === null ? '' : String(value)),
	toStorage: (value) => value,
	fromStorage: readStoredNumber
};
