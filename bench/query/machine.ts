// What the figures were measured on, and what the processes use.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type pg from 'pg';

export interface Machine {
	cpu: string;
	cores: number;
	ramGiB: number;
	node: string;
	postgres: string;
	settings: Record<string, string>;
}

const SETTINGS = [
	'shared_buffers',
	'effective_cache_size',
	'work_mem',
	'random_page_cost',
	'max_parallel_workers_per_gather',
	'jit'
];

export async function describeMachine(pool: pg.Pool): Promise<Machine> {
	const { rows } = await pool.query<{ version: string }>('select version()');
	const settings = await pool.query<{ name: string; setting: string }>(
		`select name, current_setting(name) as setting from pg_settings where name = any ($1)`,
		[SETTINGS]
	);
	return {
		cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
		cores: os.cpus().length,
		ramGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
		node: process.version,
		postgres: rows[0]!.version.split(' on ')[0]!,
		settings: Object.fromEntries(settings.rows.map((row) => [row.name, row.setting]))
	};
}

/** Resident memory of a process in KiB, from /proc (Linux); undefined elsewhere. */
export function rssKiB(pid: number = process.pid): number | undefined {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
		return Number.isFinite(kib) ? kib : undefined;
	} catch {
		return undefined;
	}
}

/** Resident memory of a process in MiB, from /proc (Linux); undefined elsewhere. */
export function rssMiB(pid: number = process.pid): number | undefined {
	const kib = rssKiB(pid);
	return kib === undefined ? undefined : Math.round(kib / 1024);
}

/** CPU seconds (user + system) a process has used so far, from /proc; undefined elsewhere. */
export function cpuSeconds(pid: number): number | undefined {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		// utime and stime are fields 14 and 15 of stat, 12 and 13 after the command name.
		return (Number(fields[11]) + Number(fields[12])) / 100;
	} catch {
		return undefined;
	}
}

/** Busy and total jiffies of the whole machine, for a utilisation figure over an interval. */
export function machineJiffies(): { busy: number; total: number } | undefined {
	try {
		const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
		const values = line.split(/\s+/).slice(1).map(Number);
		const idle = (values[3] ?? 0) + (values[4] ?? 0);
		const total = values.reduce((sum, value) => sum + (Number.isFinite(value) ? value : 0), 0);
		return { busy: total - idle, total };
	} catch {
		return undefined;
	}
}

/** The 1, 5 and 15 minute load averages: other work on the machine skews every figure. */
export function loadAverage(): string {
	return os
		.loadavg()
		.map((value) => value.toFixed(2))
		.join(' / ');
}
