// The comparing half of a scan, apart from the database: prepare, block, score. The scan job,
// the rules preview and the bench run it.
import {
	candidatePairs,
	prepareRecord,
	scorePair,
	type FoundPair,
	type MatchRules
} from '$lib/domain/matching';
import type { MatchRow } from './values';

/** Pairs scored between two looks at the clock (and a turn of the event loop). */
const CHUNK = 20_000;
const PROGRESS_EVERY_MS = 250;

/**
 * Every pair of `rows` that the rules score at or above their review threshold, comparing only
 * pairs that share a blocking key. Yields to the event loop between chunks and reports progress.
 */
export async function findPairs(
	rules: MatchRules,
	rows: MatchRow[],
	onProgress: (progress: { candidates: number; compared: number; found: number }) => void = () => {}
): Promise<FoundPair[]> {
	const records = rows.map((row) => prepareRecord(rules, row.id, row.values));
	const { pairs } = candidatePairs(rules, records);
	const found: FoundPair[] = [];
	let reported = performance.now();
	for (let start = 0; start < pairs.length; start += CHUNK) {
		for (const [i, j] of pairs.slice(start, start + CHUNK)) {
			const score = scorePair(rules, records[i]!, records[j]!);
			if (score.probability >= rules.reviewThreshold) {
				found.push({
					recordA: records[i]!.id,
					recordB: records[j]!.id,
					score: score.probability,
					reasons: score.reasons
				});
			}
		}
		if (performance.now() - reported > PROGRESS_EVERY_MS) {
			reported = performance.now();
			onProgress({
				candidates: pairs.length,
				compared: Math.min(start + CHUNK, pairs.length),
				found: found.length
			});
			await new Promise((resolve) => setImmediate(resolve));
		}
	}
	onProgress({ candidates: pairs.length, compared: pairs.length, found: found.length });
	return found;
}
