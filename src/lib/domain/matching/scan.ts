// A scan of a whole type for duplicates, as its page follows it.
export const scanStates = ['queued', 'running', 'done', 'failed'] as const;
export type ScanState = (typeof scanStates)[number];

export interface MatchScanStatus {
	id: string;
	entityTypeId: string;
	state: ScanState;
	/** Records read. */
	records: number;
	/** Candidate pairs the blocks produced, and how many of them are compared so far. */
	candidates: number;
	compared: number;
	/** Pairs at or above the review threshold. */
	found: number;
	error: string | null;
	createdAt: string;
	finishedAt: string | null;
}

export const isScanFinished = (state: ScanState) => state === 'done' || state === 'failed';

/** 0 to 1: reading counts for the first tenth, comparing for the rest. */
export function scanProgress(
	scan: Pick<MatchScanStatus, 'state' | 'candidates' | 'compared'>
): number {
	if (isScanFinished(scan.state)) return 1;
	if (scan.state === 'queued' || scan.candidates === 0) return scan.state === 'queued' ? 0 : 0.1;
	return 0.1 + 0.9 * (scan.compared / scan.candidates);
}
