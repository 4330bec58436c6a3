// Process figures from /proc (Linux) beyond what bench/query/machine.ts reads: CPU of every
// process with a given name, and how long a thread waited for a CPU while it could have run.
import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU seconds (user + system) so far of each live process named `name`, by pid: Postgres runs
 * a process per connection, and they come and go.
 */
export function cpuSecondsByName(name: string): Map<number, number> | undefined {
	let entries: string[];
	try {
		entries = readdirSync('/proc');
	} catch {
		return undefined;
	}
	const seconds = new Map<number, number>();
	for (const entry of entries) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			const close = stat.lastIndexOf(')');
			if (stat.slice(stat.indexOf('(') + 1, close) !== name) continue;
			const fields = stat.slice(close + 2).split(' ');
			seconds.set(Number(entry), (Number(fields[11]) + Number(fields[12])) / 100);
		} catch {
			// Gone between the listing and the read.
		}
	}
	return seconds;
}

/**
 * CPU seconds the processes used between two readings of `cpuSecondsByName`. A process that
 * exited in between takes its last share along, so this is a lower bound.
 */
export function cpuSecondsBetween(
	before: Map<number, number> | undefined,
	after: Map<number, number> | undefined
): number | undefined {
	if (!before || !after) return undefined;
	let seconds = 0;
	for (const [pid, used] of after) seconds += used - (before.get(pid) ?? 0);
	return seconds;
}

/**
 * Nanoseconds the main thread of `pid` has run and has waited, runnable, for a CPU. The wait
 * says whether a process was slow by itself or because the machine's cores were taken.
 */
export function schedulerNs(pid: number): { run: number; wait: number } | undefined {
	try {
		const [run, wait] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ').map(Number);
		return Number.isFinite(run) && Number.isFinite(wait) ? { run: run!, wait: wait! } : undefined;
	} catch {
		return undefined;
	}
}
