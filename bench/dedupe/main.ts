// The dedupe bench: BENCH_RECORDS customers (100,000 by default, ~5% planted duplicates of the
// kinds real lists have, with the ground truth) are loaded into a sheet, then a scan runs
// through the pg-boss job as the RLS runtime role with the default rules, BENCH_RUNS times.
// Prints precision, recall and F1 (overall and by kind of duplicate), the scan's wall time
// (median and worst), rows/s and peak RSS; beside it, in the same run, the comparing alone in
// memory (the floor the scan is measured against) and what comparing every pair would cost.
// Then the write warning: a single-record create with the check, beside one without it.
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import { emailKind } from '$lib/domain/attributes/email.attribute';
import { phoneKind } from '$lib/domain/attributes/phone.attribute';
import { prepareRecord, scorePair, type MatchRules } from '$lib/domain/matching';
import type { Actor } from '$lib/server/auth/actor';
import { signUp } from '$lib/server/auth/users';
import { boot, type AppContext } from '$lib/server/context';
import { startJobWorkers } from '$lib/server/jobs/workers';
import { addAttribute } from '$lib/server/services/attributes';
import { createEntityType } from '$lib/server/services/entity-types';
import { findPairs, getMatchRules, latestScan, startScan } from '$lib/server/services/matching';
import { loadMatchRows } from '$lib/server/services/matching/values';
import { createRecords } from '$lib/server/services/records';
import { inSpace } from '$lib/server/services/scope';
import { createSpace } from '$lib/server/services/spaces';
import { openBenchDatabase } from '../query/database';
import { cpuSeconds, describeMachine, loadAverage, rssMiB } from '../query/machine';
import { generateCustomers, variationKinds, type Customer, type Dataset } from './generate';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const WRITES = Number(process.env.BENCH_WRITES ?? 200);
const log = (line: string) => console.log(line);
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const count = (value: number) => value.toLocaleString('en');

function quantile(values: number[], q: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

async function newSheet(
	context: AppContext,
	actor: Actor,
	space: string,
	name: string,
	withFields = true
) {
	const { key } = await createEntityType({ context, actor, space, input: { name } });
	const fields = withFields
		? [
				{ name: 'Name', kind: 'text' },
				{ name: 'Email', kind: 'email' },
				{ name: 'Phone', kind: 'phone' },
				{ name: 'Company', kind: 'text' }
			]
		: [{ name: 'Note', kind: 'long_text' }];
	for (const input of fields) await addAttribute({ context, actor, space, type: key, input });
	return key;
}

/** The values as the write path would store them (the kinds' own parse), straight into the EAV tables. */
async function load(context: AppContext, spaceId: string, type: string, customers: Customer[]) {
	const owner = context.db.owner;
	const { rows: attributes } = await owner.query<{ id: string; key: string; type_id: string }>(
		`select a.id, a.key, t.id as type_id from attributes a join entity_types t on t.id = a.entity_type_id
		  where t.space_id = $1 and t.key = $2`,
		[spaceId, type]
	);
	const attribute = (key: string) => attributes.find((each) => each.key === key)!.id;
	const stored = (kind: typeof emailKind, text: string | null) => {
		if (!text) return null;
		const parsed = kind.parse(text, {});
		return parsed.ok ? parsed.value : null;
	};
	const ids: string[] = [];
	const BATCH = 20_000;
	for (let start = 0; start < customers.length; start += BATCH) {
		const batch = customers.slice(start, start + BATCH);
		const { rows } = await owner.query<{ id: string }>(
			`insert into entities (space_id, entity_type_id, seq, position)
			 select $1, $2, s, s from generate_series($3::int, $4::int) s returning id`,
			[spaceId, attributes[0]!.type_id, start + 1, start + batch.length]
		);
		const batchIds = rows.map((row) => row.id);
		ids.push(...batchIds);
		const entity: string[] = [];
		const attributeIds: string[] = [];
		const texts: string[] = [];
		batch.forEach((customer, index) => {
			const values: [string, string | null][] = [
				['name', customer.name.trim() || null],
				['email', stored(emailKind, customer.email)],
				['phone', stored(phoneKind as unknown as typeof emailKind, customer.phone)],
				['company', customer.company]
			];
			for (const [key, value] of values) {
				if (value === null) continue;
				entity.push(batchIds[index]!);
				attributeIds.push(attribute(key));
				texts.push(value);
			}
		});
		await owner.query(
			`insert into eav_values (entity_id, attribute_id, space_id, value_text)
			 select e, a, $1, t from unnest($2::uuid[], $3::uuid[], $4::text[]) as v (e, a, t)`,
			[spaceId, entity, attributeIds, texts]
		);
	}
	await owner.query('analyze entities');
	await owner.query('analyze eav_values');
	return ids;
}

interface Quality {
	found: number;
	truePositives: number;
	precision: number;
	recall: number;
	f1: number;
	recallByKind: Map<string, { found: number; planted: number }>;
}

function quality(pairs: { a: string; b: string }[], ids: string[], data: Dataset): Quality {
	const index = new Map(ids.map((id, position) => [id, position]));
	const personOf = (id: string) => data.customers[index.get(id)!]!.person;
	const found = new Set<string>();
	let truePositives = 0;
	for (const pair of pairs) {
		const [a, b] = [index.get(pair.a)!, index.get(pair.b)!].sort((x, y) => x - y);
		found.add(`${a}:${b}`);
		if (personOf(pair.a) === personOf(pair.b)) truePositives++;
	}
	const byPerson = new Map<number, number[]>();
	data.customers.forEach((customer, position) => {
		const list = byPerson.get(customer.person) ?? [];
		list.push(position);
		byPerson.set(customer.person, list);
	});
	const recallByKind = new Map<string, { found: number; planted: number }>();
	for (const [position, kind] of data.kinds) {
		const entry = recallByKind.get(kind) ?? { found: 0, planted: 0 };
		for (const other of byPerson.get(data.customers[position]!.person)!) {
			if (other === position) continue;
			entry.planted++;
			const [a, b] = [position, other].sort((x, y) => x - y);
			if (found.has(`${a}:${b}`)) entry.found++;
		}
		recallByKind.set(kind, entry);
	}
	const precision = pairs.length ? truePositives / pairs.length : 0;
	const recall = truePositives / data.truePairs;
	return {
		found: pairs.length,
		truePositives,
		precision,
		recall,
		f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
		recallByKind
	};
}

/** All pairs, as n(n-1)/2 comparisons at the speed measured on a sample of random pairs. */
function allPairsEstimate(
	rules: MatchRules,
	data: Dataset
): { perPairUs: number; seconds: number } {
	const records = data.customers.map((customer, index) =>
		prepareRecord(rules, String(index), { ...customer })
	);
	const SAMPLE = 200_000;
	let seed = 1;
	const next = () => (seed = (seed * 48271) % 2147483647) % records.length;
	const started = performance.now();
	for (let index = 0; index < SAMPLE; index++) scorePair(rules, records[next()]!, records[next()]!);
	const perPairUs = ((performance.now() - started) * 1000) / SAMPLE;
	const pairs = (records.length * (records.length - 1)) / 2;
	return { perPairUs, seconds: (pairs * perPairUs) / 1e6 };
}

export async function main(): Promise<void> {
	const database = await openBenchDatabase(log, {
		database: 'roster_bench_dedupe',
		dataDir: '.data/bench-dedupe'
	});
	const work = mkdtempSync(path.join(os.tmpdir(), 'roster-bench-dedupe-'));
	const context = await boot({
		env: {
			NODE_ENV: 'production',
			DATABASE_URL: database.url,
			DATA_DIR: path.join(work, 'data'),
			AUTH_SECRET: 'bench-dedupe-secret-that-is-long-enough',
			SEED_DEMO: 'false',
			RATE_LIMIT_WRITES_PER_MINUTE: '1000000'
		},
		log: () => undefined
	});
	await startJobWorkers(context);
	try {
		const machine = await describeMachine(context.db.owner);
		log(
			`\nMachine: ${machine.cpu}, ${machine.cores} cores, ${machine.ramGiB} GiB, Node ${machine.node}, ${machine.postgres}`
		);
		log(`Database: ${database.where}; load average at start ${loadAverage()}`);
		const user = (await signUp({
			context,
			input: {
				name: 'Bench',
				email: `bench.${Date.now()}@example.test`,
				password: 'bench-dedupe-pw'
			}
		}))!;
		const actor: Actor = { userId: user.id, via: 'web' };
		const space = await createSpace({
			context,
			actor,
			input: { name: 'Dedupe bench', slug: `dedupe-${Date.now()}` }
		});
		const type = await newSheet(context, actor, space.slug, 'Customers');

		let started = performance.now();
		const data = generateCustomers(RECORDS);
		log(
			`\nGenerated ${count(RECORDS)} customers, ${count(data.kinds.size)} of them planted duplicates (${count(data.truePairs)} true pairs) in ${seconds(performance.now() - started)}`
		);
		started = performance.now();
		const ids = await load(context, space.id, type, data.customers);
		log(`Loaded into the EAV tables (owner, set-based) in ${seconds(performance.now() - started)}`);
		const { rules } = await getMatchRules({ context, actor, space: space.slug, type });
		log(
			`Default rules: ${rules.fields.map((field) => `${field.attributes.join('+')} as ${field.compare}`).join(', ')}; review at ${rules.reviewThreshold}`
		);

		const times: number[] = [];
		const cpu: number[] = [];
		let peakMiB = 0;
		let candidates = 0;
		for (let run = 0; run < RUNS; run++) {
			const sampler = setInterval(() => (peakMiB = Math.max(peakMiB, rssMiB() ?? 0)), 100);
			started = performance.now();
			const cpuBefore = cpuSeconds(process.pid) ?? 0;
			const scan = await startScan({ context, actor, space: space.slug, type });
			let done = scan;
			while (done.state !== 'done' && done.state !== 'failed') {
				await new Promise((resolve) => setTimeout(resolve, 50));
				done = (await latestScan({ context, actor, space: space.slug, type }))!;
			}
			times.push(performance.now() - started);
			cpu.push((cpuSeconds(process.pid) ?? 0) - cpuBefore);
			clearInterval(sampler);
			if (done.state === 'failed') throw new Error(`The scan failed: ${done.error}`);
			candidates = done.candidates;
		}
		const median = quantile(times, 0.5);
		log(`\nScan through the job (runtime role, RLS), ${RUNS} runs:`);
		log(
			`  median ${seconds(median)}, worst ${seconds(Math.max(...times))}; ${count(Math.round(RECORDS / (median / 1000)))} records/s; ${count(candidates)} pairs compared`
		);
		log(
			`  CPU of the app process per scan (median): ${quantile(cpu, 0.5).toFixed(1)} s; the rest is Postgres and waiting for a core`
		);
		log(`  peak RSS of the process (app and job in one): ${peakMiB} MiB`);
		started = performance.now();
		const read = await inSpace(context, actor, space.slug, async (scope) => {
			const sheet = scope.types.find((each) => each.key === type)!;
			return loadMatchRows({ tx: scope.tx, spaceId: scope.space.id, type: sheet, rules });
		});
		log(
			`  of which reading the ${count(read.length)} records' values (runtime role, RLS): ${seconds(performance.now() - started)}`
		);

		const { rows: pairs } = await context.db.owner.query<{ a: string; b: string }>(
			`select record_a as a, record_b as b from match_pairs where space_id = $1 and status = 'open'`,
			[space.id]
		);
		const result = quality(pairs, ids, data);
		log(`\nQuality of the default rules against the ground truth:`);
		log(
			`  ${count(result.found)} pairs found, ${count(result.truePositives)} right, ${count(data.truePairs)} true pairs`
		);
		log(
			`  precision ${result.precision.toFixed(4)}, recall ${result.recall.toFixed(4)}, F1 ${result.f1.toFixed(4)}`
		);
		for (const kind of variationKinds) {
			const entry = result.recallByKind.get(kind);
			if (entry)
				log(
					`    recall, ${kind.padEnd(20)} ${(entry.found / entry.planted).toFixed(3)} (${entry.found}/${entry.planted})`
				);
		}

		log(`\nReferences in the same run:`);
		const rows = data.customers.map((customer, index) => ({
			id: String(index),
			values: { ...customer }
		}));
		started = performance.now();
		const inMemory = await findPairs(rules, rows);
		const memoryMs = performance.now() - started;
		log(
			`  comparing alone, in memory (no database): ${seconds(memoryMs)}, ${inMemory.length} pairs; the scan takes ${(median / memoryMs).toFixed(2)}× that`
		);
		const all = allPairsEstimate(rules, data);
		const allPairs = (RECORDS * (RECORDS - 1)) / 2;
		log(
			`  every pair instead of blocks: ${count(allPairs)} comparisons at ${all.perPairUs.toFixed(2)} µs ≈ ${(all.seconds / 60).toFixed(1)} min (${count(Math.round(allPairs / Math.max(1, candidates)))}× the comparisons blocking makes)`
		);

		const plain = await newSheet(context, actor, space.slug, 'Notes', false);
		const timed = async (sheet: string, values: (index: number) => Record<string, unknown>) => {
			const latencies: number[] = [];
			for (let index = 0; index < WRITES; index++) {
				const begun = performance.now();
				await createRecords({
					context,
					actor,
					space: space.slug,
					type: sheet,
					values: [values(index)]
				});
				latencies.push(performance.now() - begun);
			}
			return latencies;
		};
		const withCheck = await timed(type, (index) => {
			const { person: _person, ...customer } = data.customers[index]!;
			return customer;
		});
		const without = await timed(plain, (index) => ({ note: `Note ${index}` }));
		const line = (latencies: number[]) =>
			`median ${quantile(latencies, 0.5).toFixed(1)} ms, p99 ${quantile(latencies, 0.99).toFixed(1)} ms`;
		log(`\nA one-record create, ${WRITES} in a row:`);
		log(`  with the duplicate check (a copy of an existing customer): ${line(withCheck)}`);
		log(`  on a sheet with nothing to compare (no check):             ${line(without)}`);
		log(
			`  the check costs ${(quantile(withCheck, 0.5) / quantile(without, 0.5)).toFixed(2)}× the plain write's median`
		);
		log(`\nLoad average at the end ${loadAverage()}`);
	} finally {
		await context.close();
		await database.stop();
	}
}
