// Merging duplicate records and undoing it; where an old id went; where values came from.
export {
	afterMergeHooks,
	mergeRecords,
	type AfterMergeHook,
	type MergeEvent
} from './merge-records';
export { unmergeRecords } from './unmerge-records';
export { previewMerge, recordProvenance } from './preview';
export { resolveMergedId } from './read-merges';
