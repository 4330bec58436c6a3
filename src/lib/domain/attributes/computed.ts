// Kinds whose value the system keeps on the entity row (sequence number, creation and last
// change). They read, format and filter like their base kind but refuse every write.
import {
	fail,
	ok,
	type AttributeKind,
	type AttributeKindName,
	type CellValue,
	type EntityColumn
} from './kind';

export const computedMessage = 'This value is computed and cannot be written';

/** `validate` of a computed kind: empty is fine (nothing to write), anything else is refused. */
export const refuseWrite = (input: unknown) =>
	input === null || input === undefined ? ok(null) : fail(computedMessage);

export const computedKind = <Options, Value extends CellValue>(
	base: AttributeKind<Options, Value>,
	identity: { name: AttributeKindName; label: string; entityColumn: EntityColumn }
): AttributeKind<Options, Value> => ({
	...base,
	...identity,
	storage: null,
	isSearchable: false,
	validate: refuseWrite
});
