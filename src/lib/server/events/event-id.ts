// Event ids are `<milliseconds>-<sequence>`: what Redis gives stream entries, and what the
// in-process log imitates, so both order ids the same way.
import { eventIdPattern } from '$lib/domain/record-events';

export interface EventIdParts {
	time: bigint;
	seq: bigint;
}

// Redis keeps both parts as unsigned 64-bit integers; a larger number is no id it could give.
const MAX_PART = 2n ** 64n - 1n;

export function parseEventId(id: string): EventIdParts | undefined {
	if (!eventIdPattern.test(id)) return undefined;
	const [time, seq] = id.split('-').map((part) => BigInt(part)) as [bigint, bigint];
	if (time > MAX_PART || seq > MAX_PART) return undefined;
	return { time, seq };
}

/** Negative when `a` comes before `b`. Both must be valid ids. */
export function compareEventIds(a: string, b: string): number {
	const left = parseEventId(a);
	const right = parseEventId(b);
	if (!left || !right) throw new RangeError(`Not an event id: ${left ? b : a}`);
	if (left.time !== right.time) return left.time < right.time ? -1 : 1;
	if (left.seq !== right.seq) return left.seq < right.seq ? -1 : 1;
	return 0;
}
