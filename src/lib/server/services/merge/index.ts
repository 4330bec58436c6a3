// Merging duplicate records and undoing it; where an old id went; where values came from.
export {
	afterMergeHooks,
	mergeRecords,
	type AfterMergeHook,
	type MergeEvent
} from './merge-records';
export { unmergeRecords } from './unmerge-records';
export { findSurvivor, previewMerge, recordProvenance } from './reads';
export { resolveMergedId } from './read-merges';
