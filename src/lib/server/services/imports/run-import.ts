// The import job: reads the file from storage and writes its rows through the one write path
// (validation by kind, roles, audit) as the member who started it, a batch per transaction.
// Each batch commits with the import's counters, so a retried job resumes exactly where the
// last one stopped. A row the write path refuses is reported, and the others go in. A failure
// of the whole file (a byte that is not in its encoding, a field deleted meanwhile) or a cancel
// removes what the import had written: nothing is left half-applied.
import { kindOf } from '$lib/domain/attributes';
import type { CellValue } from '$lib/domain/attributes/kind';
import { AppError, AppErrorCode, isAppError } from '$lib/domain/errors';
import { checkHeader, isFinished, type ImportStatus } from '$lib/domain/imports';
import type { Actor } from '../../auth/actor';
import type { RecordChange } from '$lib/domain/record-change';
import type { AppContext } from '../../context';
import type { Tx } from '../../db';
import type { Attribute, EntityType } from '$lib/domain/schema';
import { loadRecords } from '../records/read';
import { normalizeValues, writeRecords, type ValueInput } from '../records/write';
import { inSpace, type SpaceScope } from '../scope';
import { readRows, type ResolvedSource } from './source';
import { loadImport, toStatus, updateImport, type ImportRow } from './status';
import { storageColumnTypes } from '../../query/sql';
import { revertImport } from './undo-import';
import { webhookDispatch } from '../webhooks/dispatch';
import { warnPossibleDuplicates } from '../matching/on-write';

export interface ImportJob {
	importId: string;
	spaceId: string;
	actor: Actor;
}

const BATCH_ROWS = 1_000;
const PROGRESS_EVERY_MS = 250;

interface SourceRow {
	number: number;
	cells: string[];
}

interface Refusal {
	number: number;
	field: string | null;
	reason: string;
	cells: string[];
}

interface Plan {
	row: ImportRow;
	type: EntityType;
	fields: { column: number; attribute: Attribute }[];
	key: Attribute | null;
	width: number;
}

function planOf(row: ImportRow, types: EntityType[], width: number): Plan {
	const type = types.find((candidate) => candidate.id === row.entityTypeId);
	if (!type) throw new AppError(AppErrorCode.NotFound, 'The sheet of this import was deleted');
	const fields = (row.mapping ?? []).map(({ column, attributeId }) => {
		const attribute = type.attributes.find((candidate) => candidate.id === attributeId);
		if (!attribute) {
			throw new AppError(
				AppErrorCode.Conflict,
				`A field this import writes (column ${column + 1}) was deleted; start the import again`
			);
		}
		return { column, attribute };
	});
	const key = row.keyAttributeId
		? (fields.find((field) => field.attribute.id === row.keyAttributeId)?.attribute ?? null)
		: null;
	return { row, type, fields, key, width };
}

/** A row's cells as field values; empty cells are left out (nothing to set, nothing to clear). */
function inputOf(plan: Plan, cells: string[]): ValueInput {
	const input: ValueInput = {};
	for (const { column, attribute } of plan.fields) {
		const text = cells[column] ?? '';
		if (text.trim() !== '') input[attribute.key] = text;
	}
	return input;
}

function refusalOf(source: SourceRow, error: unknown): Refusal {
	if (!isAppError(error)) throw error;
	return {
		number: source.number,
		field: error.field ?? null,
		reason: error.message,
		cells: source.cells
	};
}

/** Record ids of existing records whose key field holds each row's key value. */
async function matchKeys(
	scope: SpaceScope,
	plan: Plan,
	keys: CellValue[]
): Promise<Map<string, string>> {
	const key = plan.key!;
	const kind = kindOf(key.kind);
	const column = kind.storage!;
	const stored = keys.map((value) => kind.toStorage(value as never));
	const { rows } = await scope.tx.query<{ entity_id: string; value: unknown }>(
		`select v.entity_id, v.${column} as value from eav_values v
		  where v.space_id = $1 and v.attribute_id = $2 and v.${column} = any ($3::${storageColumnTypes[column]}[])`,
		[scope.space.id, key.id, stored]
	);
	const matches = new Map<string, string>();
	for (const row of rows) matches.set(storedKey(row.value), row.entity_id);
	return matches;
}

const storedKey = (value: unknown) =>
	value instanceof Date
		? value.toISOString()
		: typeof value === 'object'
			? JSON.stringify(value)
			: String(value);

interface BatchResult {
	changes: RecordChange[];
	status: ImportStatus;
	isCancelled: boolean;
}

/** One batch, in one transaction: the rows, what they did, the refusals and the counters. */
async function writeBatch(
	context: AppContext,
	job: ImportJob,
	width: number,
	batch: SourceRow[]
): Promise<BatchResult> {
	return inSpace(context, job.actor, job.spaceId, async (scope) => {
		const { tx, space } = scope;
		const row = await loadImport(tx, space.id, job.importId, { forUpdate: true });
		if (row.state !== 'running') return { changes: [], status: toStatus(row), isCancelled: true };
		const plan = planOf(row, scope.types, width);
		const refusals: Refusal[] = [];
		const valid: { source: SourceRow; input: ValueInput; keyValue: CellValue }[] = [];
		for (const source of batch) {
			if (source.cells.length !== width) {
				const isTrailingEmpty =
					source.cells.length > width && source.cells.slice(width).every((cell) => cell === '');
				if (!isTrailingEmpty) {
					refusals.push({
						number: source.number,
						field: null,
						reason: `The row has ${source.cells.length} cells; the header has ${width}`,
						cells: source.cells
					});
					continue;
				}
			}
			const input = inputOf(plan, source.cells);
			try {
				const values = normalizeValues(
					{ type: plan.type, space, isText: true },
					input,
					source.number
				);
				const keyValue = plan.key
					? (values.find((value) => value.attribute.id === plan.key!.id)?.value ?? null)
					: null;
				if (plan.key && keyValue === null) {
					throw new AppError(
						AppErrorCode.InvalidValue,
						`${plan.key.name}: the key field is empty`,
						{
							field: plan.key.key
						}
					);
				}
				valid.push({ source, input, keyValue });
			} catch (error) {
				refusals.push(refusalOf(source, error));
			}
		}

		// Match on the key field: upsert updates the record found, skip leaves it be. A key
		// that repeats within the file matches the record its first row made.
		const matches = plan.key
			? await matchKeys(
					scope,
					plan,
					valid.map((entry) => entry.keyValue)
				)
			: new Map<string, string>();
		const creates: typeof valid = [];
		const updates: ((typeof valid)[number] & { id: string })[] = [];
		let skipped = 0;
		const keysInBatch = new Set<string>();
		for (const entry of valid) {
			const keyText = plan.key
				? storedKey(kindOf(plan.key.kind).toStorage(entry.keyValue as never))
				: null;
			const match = keyText === null ? undefined : matches.get(keyText);
			if (keyText !== null && keysInBatch.has(keyText) && !match) {
				refusals.push({
					number: entry.source.number,
					field: plan.key!.key,
					reason: `${plan.key!.name}: "${String(entry.keyValue)}" appears on an earlier row of this batch`,
					cells: entry.source.cells
				});
				continue;
			}
			if (keyText !== null) keysInBatch.add(keyText);
			if (!match) creates.push(entry);
			else if (row.mode === 'skip') skipped++;
			else updates.push({ ...entry, id: match });
		}
		const written = await writeRows(scope, plan, creates, updates, refusals);
		// A warning for the report, never a refusal: the rows are written either way.
		const flagged = await warnPossibleDuplicates(scope, plan.type, [
			...written.created,
			...written.updated.map((update) => update.id)
		]);

		await recordWork(tx, space.id, row.id, written);
		await insertRefusals(tx, space.id, row.id, refusals);
		const status = await updateImport(
			tx,
			space.id,
			row.id,
			`processed_rows = processed_rows + $3, added = added + $4, updated = updated + $5,
			 skipped = skipped + $6, refused = refused + $7, possible_duplicates = possible_duplicates + $8`,
			[
				batch.length,
				written.created.length,
				written.updated.length,
				skipped,
				refusals.length,
				flagged.length
			]
		);
		return { changes: written.changes, status, isCancelled: false };
	});
}

interface Written {
	created: string[];
	updated: { id: string; before: Record<string, CellValue> }[];
	changes: RecordChange[];
}

/**
 * Writes a batch through the write path in one go; when the database refuses it (a unique
 * value taken, a linked record missing), writes its rows one by one to find the rows at fault.
 */
async function writeRows(
	scope: SpaceScope,
	plan: Plan,
	creates: { source: SourceRow; input: ValueInput }[],
	updates: { source: SourceRow; input: ValueInput; id: string }[],
	refusals: Refusal[]
): Promise<Written> {
	const { tx } = scope;
	const written: Written = { created: [], updated: [], changes: [] };
	const attempt = async (
		someCreates: typeof creates,
		someUpdates: typeof updates
	): Promise<void> => {
		const before = await loadRecords({
			tx,
			spaceId: scope.space.id,
			type: plan.type,
			ids: someUpdates.map((update) => update.id),
			select: plan.fields.map((field) => field.attribute.key)
		});
		const result = await writeRecords({
			...scope,
			type: plan.type,
			creates: someCreates.map((entry) => entry.input),
			updates: someUpdates.map((entry) => ({ id: entry.id, values: entry.input })),
			isText: true,
			returnUpdated: false
		});
		written.created.push(...result.created.map((record) => record.id));
		for (const record of before) {
			const { id, type: _type, ...values } = record;
			written.updated.push({ id, before: values });
		}
		// Open grids reload once per batch instead of receiving every imported row's values.
		for (const change of result.changes)
			written.changes.push(change.action === 'create' ? { ...change, values: {} } : change);
	};
	await tx.query('savepoint import_batch');
	try {
		await attempt(creates, updates);
		await tx.query('release savepoint import_batch');
		return written;
	} catch (error) {
		if (!isAppError(error)) throw error;
		await tx.query('rollback to savepoint import_batch');
		written.created = [];
		written.updated = [];
		written.changes = [];
	}
	const rows = [
		...creates.map((entry) => ({ entry, isUpdate: false })),
		...updates.map((entry) => ({ entry, isUpdate: true }))
	];
	for (const { entry, isUpdate } of rows) {
		await tx.query('savepoint import_row');
		try {
			if (isUpdate) await attempt([], [entry as (typeof updates)[number]]);
			else await attempt([entry], []);
			await tx.query('release savepoint import_row');
		} catch (error) {
			await tx.query('rollback to savepoint import_row');
			refusals.push(refusalOf(entry.source, error));
		}
	}
	return written;
}

async function recordWork(tx: Tx, spaceId: string, importId: string, written: Written) {
	const ids = [...written.created, ...written.updated.map((update) => update.id)];
	if (!ids.length) return;
	await tx.query(
		`insert into import_records (import_id, space_id, entity_id, action, before)
		 select $1, $2, entity_id, action, before from unnest($3::uuid[], $4::text[], $5::jsonb[]) as r (entity_id, action, before)
		 on conflict (import_id, entity_id) do nothing`,
		[
			importId,
			spaceId,
			ids,
			[...written.created.map(() => 'create'), ...written.updated.map(() => 'update')],
			[
				...written.created.map(() => null),
				...written.updated.map((update) => JSON.stringify(update.before))
			]
		]
	);
}

async function insertRefusals(tx: Tx, spaceId: string, importId: string, refusals: Refusal[]) {
	if (!refusals.length) return;
	await tx.query(
		`insert into import_refusals (import_id, space_id, row_number, field, reason, cells)
		 select $1, $2, row_number, field, reason, cells
		   from unnest($3::int[], $4::text[], $5::text[], $6::jsonb[]) as r (row_number, field, reason, cells)
		 on conflict (import_id, row_number) do nothing`,
		[
			importId,
			spaceId,
			refusals.map((refusal) => refusal.number),
			refusals.map((refusal) => refusal.field),
			refusals.map((refusal) => refusal.reason),
			refusals.map((refusal) => JSON.stringify(refusal.cells))
		]
	);
}

/** Moves the import to `state` with its error and end time, and tells the page. */
async function finish(
	context: AppContext,
	job: ImportJob,
	state: 'done' | 'failed' | 'cancelled',
	error: { code: string; message: string } | null,
	totalRows?: number
): Promise<void> {
	const status = await inSpace(context, job.actor, job.spaceId, ({ tx, space }) =>
		updateImport(
			tx,
			space.id,
			job.importId,
			'state = $3, error = $4, finished_at = now(), total_rows = coalesce($5, total_rows)',
			[state, error ? JSON.stringify(error) : null, totalRows ?? null]
		)
	);
	context.progress.publish(status);
	if (state !== 'cancelled') {
		await webhookDispatch()
			?.emit(job.spaceId, 'import.finished', [{ import: status }])
			.catch((error) => console.error('Webhook deliveries could not be queued', error));
	}
}

/** Reads the whole file once before writing: its rows are counted and its bytes checked. */
async function countRows(context: AppContext, row: ImportRow, source: ResolvedSource) {
	let count = -1;
	const rows = readRows(context.storage, row.fileKey, source);
	while (!(await rows.next()).done) count++;
	return Math.max(count, 0);
}

export async function runImport(context: AppContext, job: ImportJob): Promise<void> {
	const row = await inSpace(context, job.actor, job.spaceId, async ({ tx, space }) => {
		const found = await loadImport(tx, space.id, job.importId, { forUpdate: true });
		if (found.state !== 'queued' && found.state !== 'running') return null;
		await tx.query(
			`update imports set state = 'running', started_at = coalesce(started_at, now()) where id = $1`,
			[found.id]
		);
		return { ...found, state: 'running' as const };
	});
	if (!row || isFinished(row.state)) return;
	const source: ResolvedSource = {
		format: row.format,
		encoding: row.options.encoding ?? null,
		delimiter: row.options.delimiter ?? null,
		sheet: row.options.sheet ?? null
	};
	try {
		const total = row.totalRows ?? (await countRows(context, row, source));
		await inSpace(context, job.actor, job.spaceId, ({ tx, space }) =>
			tx.query('update imports set total_rows = $3 where space_id = $1 and id = $2', [
				space.id,
				row.id,
				total
			])
		);
		let width = 0;
		let number = 1;
		let batch: SourceRow[] = [];
		let lastProgress = 0;
		let isCancelled = false;
		const flush = async () => {
			const result = await writeBatch(context, job, width, batch);
			batch = [];
			if (result.isCancelled) {
				isCancelled = true;
				return;
			}
			context.changes.publish(result.changes);
			if (Date.now() - lastProgress >= PROGRESS_EVERY_MS) {
				lastProgress = Date.now();
				context.progress.publish(result.status);
			}
		};
		for await (const cells of readRows(context.storage, row.fileKey, source)) {
			if (number === 1) {
				width = cells.length;
				const problem = checkHeader(cells, context.config.IMPORT_MAX_COLUMNS);
				if (problem)
					throw new AppError(AppErrorCode.InvalidInput, problem.message, { field: 'file' });
				number++;
				continue;
			}
			// Rows a previous attempt of this job committed are already in.
			if (number - 2 < row.processedRows) {
				number++;
				continue;
			}
			batch.push({ number, cells });
			number++;
			if (batch.length >= BATCH_ROWS) await flush();
			if (isCancelled) break;
		}
		if (!isCancelled && batch.length) await flush();
		if (isCancelled) {
			await revertImport(context, job);
			await finish(context, job, 'cancelled', null);
			return;
		}
		await finish(context, job, 'done', null, number - 2);
	} catch (error) {
		if (!isAppError(error)) throw error;
		// The file as a whole cannot go in: take out what it put in, and say why.
		await revertImport(context, job);
		await finish(context, job, 'failed', { code: error.code, message: error.message });
	}
}
