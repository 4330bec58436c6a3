// The review queue and the record banner as the browser receives them.
import type { RecordRow } from '../record-page';
import type { Cluster } from './clusters';
import type { MatchReason } from './score';

/** A pair a scan or a write found: record_a < record_b. */
export interface FoundPair {
	recordA: string;
	recordB: string;
	score: number;
	reasons: MatchReason[];
}

export interface QueuePair extends FoundPair {
	foundAt: string;
}

export interface DuplicateQueue {
	clusters: Cluster<QueuePair>[];
	/** The clustered records, by id, with every field. */
	records: Record<string, RecordRow>;
	/** Open pairs of the type (the queue shows the best of them). */
	openPairs: number;
}

/** Another record a record may duplicate, for the banner on its page. */
export interface RecordDuplicate {
	record: RecordRow;
	score: number;
}

/** What rules (saved or not) would find: the owner's live preview. */
export interface RulesPreview {
	/** The best pairs the rules find, with both records. */
	pairs: FoundPair[];
	records: Record<string, RecordRow>;
	/** Pairs found among the records read, and how many records that was. */
	found: number;
	sampled: number;
}
