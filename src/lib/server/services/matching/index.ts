// Finding duplicates (issue 10): match rules, scans, the review queue and the write warning.
// The merge itself is the merge service's. A merge deletes the merged records, and their pairs
// go with them (match_pairs cascades), so nothing calls markPairsMerged today; an unmerge
// checks the restored records again (merge/unmerge-records.ts).
export { canEditMatchRules, canReviewDuplicates } from './access';
export { getMatchRules, saveMatchRules, resetMatchRules, previewMatchRules } from './rules';
export {
	getDuplicateQueue,
	getRecordDuplicates,
	markNotDuplicates,
	markPairsMerged
} from './pairs';
export { startScan, runScan, latestScan, followScan, type ScanJob } from './scan';
export { findPairs } from './find-pairs';
export { checkPossibleDuplicates, type PossibleDuplicate } from './on-write';
