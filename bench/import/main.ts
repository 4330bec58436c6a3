// The import bench: a generated CSV of BENCH_IMPORT_ROWS rows × 10 columns (and an XLSX of
// BENCH_XLSX_ROWS rows) goes through the whole import path — storage, the pg-boss job in a
// worker process of its own, the write path as the RLS runtime role — and, in the same run, the
// same CSV through a raw COPY into the EAV tables as the owner: the floor the write path is
// measured against. Prints rows/s, the ratio, time to the first committed batch, and peak RSS
// of the app and the worker.
import { fork } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import type { ImportStatus } from '$lib/domain/imports';
import { signUp } from '$lib/server/auth/users';
import { boot, type AppContext } from '$lib/server/context';
import { addAttribute } from '$lib/server/services/attributes';
import { createEntityType } from '$lib/server/services/entity-types';
import { createImport, getImport, previewImport, startImport } from '$lib/server/services/imports';
import { createSpace } from '$lib/server/services/spaces';
import type { Actor } from '$lib/server/auth/actor';
import { openBenchDatabase } from '../query/database';
import { describeMachine, loadAverage, rssMiB } from '../query/machine';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 1_000_000);
const XLSX_ROWS = Number(process.env.BENCH_XLSX_ROWS ?? 100_000);
const log = (line: string) => console.log(line);

const FIELDS = [
	{ name: 'Name', kind: 'text' },
	{ name: 'Email', kind: 'email' },
	{ name: 'City', kind: 'text' },
	{
		name: 'Status',
		kind: 'single_select',
		options: {
			choices: ['Lead', 'Contacted', 'Qualified', 'Customer', 'Churned'].map((name) => ({ name }))
		}
	},
	{ name: 'Score', kind: 'number' },
	{ name: 'Joined', kind: 'date' },
	{ name: 'VIP', kind: 'checkbox' },
	{ name: 'Company', kind: 'text' },
	{ name: 'Website', kind: 'url' },
	{ name: 'Notes', kind: 'text' }
];
const CITIES = ['Lisbon', 'Berlin', 'Oslo', 'Lyon', 'Kraków', 'Porto', 'Gent', 'Turin'];
const STATUSES = ['Lead', 'Contacted', 'Qualified', 'Customer', 'Churned'];

function rowOf(index: number): string[] {
	const day = new Date(Date.UTC(2026, 0, 1) + (index % 365) * 86_400_000)
		.toISOString()
		.slice(0, 10);
	return [
		`Guest ${index}`,
		`guest${index}@example.com`,
		CITIES[index % CITIES.length]!,
		STATUSES[index % STATUSES.length]!,
		String(index % 1000),
		day,
		index % 7 === 0 ? 'TRUE' : 'FALSE',
		`Company ${index % 5000}`,
		`https://example.com/${index % 9973}`,
		index % 3 === 0 ? `Called on ${day}, "follow up"` : ''
	];
}

const csvCell = (cell: string) =>
	/[",\n\r]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;

async function writeCsv(file: string, rows: number): Promise<void> {
	const out = createWriteStream(file);
	const write = (line: string) =>
		out.write(line)
			? Promise.resolve()
			: new Promise<void>((resolve) => out.once('drain', resolve));
	await write(FIELDS.map((field) => field.name).join(',') + '\n');
	let chunk = '';
	for (let index = 0; index < rows; index++) {
		chunk += rowOf(index).map(csvCell).join(',') + '\n';
		if (chunk.length > 1 << 20) {
			await write(chunk);
			chunk = '';
		}
	}
	await write(chunk);
	await new Promise<void>((resolve, reject) =>
		out.end((error?: Error | null) => (error ? reject(error) : resolve()))
	);
}

async function writeXlsx(file: string, rows: number): Promise<void> {
	const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
		filename: file,
		useSharedStrings: false
	});
	const sheet = workbook.addWorksheet('Guests');
	sheet.addRow(FIELDS.map((field) => field.name)).commit();
	for (let index = 0; index < rows; index++) {
		const cells: (string | number | boolean | Date)[] = rowOf(index);
		cells[4] = index % 1000;
		cells[6] = index % 7 === 0;
		sheet.addRow(cells).commit();
	}
	sheet.commit();
	await workbook.commit();
}

async function newSheet(context: AppContext, actor: Actor, space: string, name: string) {
	const { key } = await createEntityType({ context, actor, space, input: { name } });
	for (const input of FIELDS) await addAttribute({ context, actor, space, type: key, input });
	return key;
}

/** The floor: COPY the CSV into a staging table, then set-based inserts into the EAV tables. */
async function rawCopy(
	context: AppContext,
	options: { file: string; spaceId: string; type: string; userId: string }
) {
	const owner = context.db.owner;
	const { rows: attributes } = await owner.query<{ id: string; key: string }>(
		`select a.id, a.key from attributes a join entity_types t on t.id = a.entity_type_id
		  where t.space_id = $1 and t.key = $2 order by a.position`,
		[options.spaceId, options.type]
	);
	const id = (key: string) => attributes.find((attribute) => attribute.key === key)!.id;
	const client = await owner.connect();
	const started = performance.now();
	try {
		await client.query('begin');
		await client.query(
			`create temp table staging (name text, email text, city text, status text, score text, joined text,
			   vip text, company text, website text, notes text) on commit drop`
		);
		await client.query(`copy staging from '${options.file}' with (format csv, header true)`);
		await client.query(
			`create temp table staged on commit drop as
			   select gen_random_uuid() as id, row_number() over () as seq, s.* from staging s`
		);
		await client.query(
			`insert into entities (id, space_id, entity_type_id, seq, position, created_by, updated_by)
			 select s.id, $1, t.id, s.seq, s.seq, $3, $3 from staged s, entity_types t where t.space_id = $1 and t.key = $2`,
			[options.spaceId, options.type, options.userId]
		);
		const text = (key: string, column: string) =>
			`select id, '${id(key)}'::uuid, $1::uuid, ${column}, null::numeric, null::timestamptz, null::boolean from staged where ${column} <> ''`;
		await client.query(
			`insert into eav_values (entity_id, attribute_id, space_id, value_text, value_num, value_time, value_bool)
			 ${text('name', 'name')} union all ${text('email', 'email')} union all ${text('city', 'city')}
			 union all ${text('status', 'status')} union all ${text('company', 'company')}
			 union all ${text('website', 'website')} union all ${text('notes', 'notes')}
			 union all select id, '${id('score')}'::uuid, $1::uuid, null, score::numeric, null, null from staged
			 union all select id, '${id('joined')}'::uuid, $1::uuid, null, null, joined::timestamptz, null from staged
			 union all select id, '${id('vip')}'::uuid, $1::uuid, null, null, null, vip::boolean from staged`,
			[options.spaceId]
		);
		await client.query('commit');
	} catch (error) {
		await client.query('rollback');
		throw error;
	} finally {
		client.release();
	}
	return (performance.now() - started) / 1000;
}

interface ImportRun {
	status: ImportStatus;
	seconds: number;
	firstBatchSeconds: number | null;
	peakAppMiB: number;
	peakWorkerMiB: number;
}

async function runImport(
	context: AppContext,
	actor: Actor,
	space: string,
	type: string,
	file: string,
	workerPid: number
): Promise<ImportRun> {
	const name = path.basename(file);
	const size = statSync(file).size;
	const created = await createImport({ context, actor, space, type, input: { name, size } });
	const key = (
		await context.db.owner.query<{ file_key: string }>(
			'select file_key from imports where id = $1',
			[created.import.id]
		)
	).rows[0]!.file_key;
	await context.storage.putStream(key, createReadStream(file), 'text/csv');
	const id = created.import.id;
	const preview = await previewImport({ context, actor, space, id, input: {} });
	const started = performance.now();
	await startImport({
		context,
		actor,
		space,
		id,
		input: {
			columns: preview.columns.map((column) => ({
				column: column.index,
				field: FIELDS[column.index]!.name.toLowerCase()
			}))
		}
	});
	let firstBatchSeconds: number | null = null;
	let peakAppMiB = 0;
	let peakWorkerMiB = 0;
	for (;;) {
		peakAppMiB = Math.max(peakAppMiB, rssMiB() ?? 0);
		peakWorkerMiB = Math.max(peakWorkerMiB, rssMiB(workerPid) ?? 0);
		const status = await getImport({ context, actor, space, id });
		if (firstBatchSeconds === null && status.processedRows > 0)
			firstBatchSeconds = (performance.now() - started) / 1000;
		if (['done', 'failed', 'cancelled'].includes(status.state)) {
			return {
				status,
				seconds: (performance.now() - started) / 1000,
				firstBatchSeconds,
				peakAppMiB,
				peakWorkerMiB
			};
		}
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

const rate = (rows: number, seconds: number) =>
	`${Math.round(rows / seconds).toLocaleString('en')} rows/s`;

export async function main(): Promise<void> {
	const database = await openBenchDatabase(log, {
		database: 'roster_bench_import',
		dataDir: '.data/bench-import'
	});
	const work = mkdtempSync(path.join(os.tmpdir(), 'roster-bench-import-'));
	await chmod(work, 0o755);
	const env = {
		NODE_ENV: 'production',
		DATABASE_URL: database.url,
		DATA_DIR: path.join(work, 'data'),
		AUTH_SECRET: 'bench-import-secret-that-is-long-enough',
		SEED_DEMO: 'false',
		RATE_LIMIT_WRITES_PER_MINUTE: '1000000',
		IMPORT_MAX_BYTES: String(4 * 1024 ** 3)
	};
	const context = await boot({ env, log: () => undefined });
	const worker = fork(fileURLToPath(new URL('./worker.ts', import.meta.url)), {
		// BENCH_WORKER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the worker.
		execArgv: [
			'--import',
			'tsx',
			...(process.env.BENCH_WORKER_NODE_ARGS?.split(' ').filter(Boolean) ?? [])
		],
		env: { ...process.env, BENCH_ENV: JSON.stringify(env) }
	});
	await new Promise((resolve) => worker.once('message', resolve));
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
				password: 'bench-import-pw'
			}
		}))!;
		const actor: Actor = { userId: user.id, via: 'web' };
		const space = await createSpace({
			context,
			actor,
			input: { name: 'Import bench', slug: `import-${Date.now()}` }
		});

		const csv = path.join(work, 'guests.csv');
		let started = performance.now();
		await writeCsv(csv, ROWS);
		await chmod(csv, 0o644);
		log(
			`\nGenerated ${ROWS.toLocaleString('en')} rows × 10 columns of CSV (${(statSync(csv).size / 2 ** 20).toFixed(0)} MiB) in ${((performance.now() - started) / 1000).toFixed(1)} s`
		);

		const reference = await newSheet(context, actor, space.slug, 'Reference');
		const copySeconds = await rawCopy(context, {
			file: csv,
			spaceId: space.id,
			type: reference,
			userId: user.id
		});
		log(
			`Raw COPY into the EAV tables (owner, no checks, no audit): ${copySeconds.toFixed(1)} s, ${rate(ROWS, copySeconds)}`
		);

		const sheet = await newSheet(context, actor, space.slug, 'Imported');
		const run = await runImport(context, actor, space.slug, sheet, csv, worker.pid!);
		log(`\nCSV import through the job and the write path (runtime role, RLS, validation, audit):`);
		log(
			`  state ${run.status.state}, ${run.status.added.toLocaleString('en')} added, ${run.status.refused} refused`
		);
		log(
			`  ${run.seconds.toFixed(1)} s from start to done, ${rate(ROWS, run.seconds)}; ratio to raw COPY ${(run.seconds / copySeconds).toFixed(2)}×`
		);
		log(
			`  first batch committed (rows visible to a grid's next read) after ${run.firstBatchSeconds?.toFixed(2)} s`
		);
		log(`  peak RSS: app ${run.peakAppMiB} MiB, worker ${run.peakWorkerMiB} MiB`);

		if (XLSX_ROWS > 0) {
			const xlsx = path.join(work, 'guests.xlsx');
			started = performance.now();
			await writeXlsx(xlsx, XLSX_ROWS);
			log(
				`\nGenerated ${XLSX_ROWS.toLocaleString('en')} rows of XLSX (${(statSync(xlsx).size / 2 ** 20).toFixed(0)} MiB) in ${((performance.now() - started) / 1000).toFixed(1)} s`
			);
			const xlsxSheet = await newSheet(context, actor, space.slug, 'Imported XLSX');
			const xlsxRun = await runImport(context, actor, space.slug, xlsxSheet, xlsx, worker.pid!);
			log(
				`XLSX import: state ${xlsxRun.status.state}, ${xlsxRun.status.added.toLocaleString('en')} added, ${xlsxRun.seconds.toFixed(1)} s, ${rate(XLSX_ROWS, xlsxRun.seconds)}`
			);
			log(`  peak RSS: app ${xlsxRun.peakAppMiB} MiB, worker ${xlsxRun.peakWorkerMiB} MiB`);
		}
		log(`\nLoad average at the end ${loadAverage()}`);
	} finally {
		worker.send('stop');
		await new Promise((resolve) => worker.once('exit', resolve));
		await context.close();
		await database.stop();
		rmSync(work, { recursive: true, force: true });
	}
}
