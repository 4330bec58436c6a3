// Blocking: records file under keys (an email, a phone number's last digits, the sound of a
// name), and only records that share a key are compared. A scan then costs about the sum of
// each block's size squared instead of n²: 100,000 people make about a million comparisons,
// not five billion.
import { blockingKeys } from './compare';
import type { MatchRules } from './rules';
import type { PreparedRecord } from './score';

/**
 * A block larger than this is a shared value, not a person (info@company.com, the switchboard's
 * number, "Maria Garcia" in a big list): comparing all its pairs would cost its size squared and
 * find mostly strangers. Its records still meet through their other keys.
 */
export const MAX_BLOCK_SIZE = 200;

export function recordKeys(rules: MatchRules, record: PreparedRecord): string[] {
	const keys = new Set<string>();
	rules.fields.forEach((field, index) => {
		const value = record.fields[index];
		if (value != null) for (const key of blockingKeys(field.compare, value)) keys.add(key);
	});
	return [...keys];
}

export interface CandidatePairs {
	/** Index pairs [i, j] into the records, i < j, each once. */
	pairs: [number, number][];
	/** Blocks left out for being larger than MAX_BLOCK_SIZE. */
	oversizedBlocks: number;
}

export function candidatePairs(
	rules: MatchRules,
	records: PreparedRecord[],
	maxBlockSize = MAX_BLOCK_SIZE
): CandidatePairs {
	const blocks = new Map<string, number[]>();
	records.forEach((record, index) => {
		for (const key of recordKeys(rules, record)) {
			const block = blocks.get(key);
			if (block) block.push(index);
			else blocks.set(key, [index]);
		}
	});
	const seen = new Set<number>();
	const pairs: [number, number][] = [];
	let oversizedBlocks = 0;
	const size = records.length;
	for (const block of blocks.values()) {
		if (block.length < 2) continue;
		if (block.length > maxBlockSize) {
			oversizedBlocks++;
			continue;
		}
		for (let i = 0; i < block.length; i++) {
			for (let j = i + 1; j < block.length; j++) {
				const a = Math.min(block[i]!, block[j]!);
				const b = Math.max(block[i]!, block[j]!);
				const code = a * size + b;
				if (seen.has(code)) continue;
				seen.add(code);
				pairs.push([a, b]);
			}
		}
	}
	return { pairs, oversizedBlocks };
}
