// Finding duplicates (issue 10): match rules, scans, the review queue and the write warning.
// The merge itself is the merge service's; it calls markPairsMerged inside its transaction.
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
