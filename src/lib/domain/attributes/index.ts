// The attribute kinds: one file per kind, the registry, kind changes and filter operators.
export * from './kind';
export type { Choice, SelectOptions } from './choices';
export { computedMessage } from './computed';
export {
	convertValue,
	previewConversion,
	type ConversionFailure,
	type ConversionPreview,
	type FieldShape
} from './conversion';
export { filterOperatorsFor } from './filter-operators';
export { kindOf, kinds, parseOptions, type AnyAttributeKind, type KindOptions } from './registry';
