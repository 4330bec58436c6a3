// Export of a sheet, or of one of its saved views, as CSV or XLSX: the view's filter, search,
// sort and shown columns in its order, exactly as the grid asks the server for them
// (serverFilter, viewSort, orderedFields). The file streams out of one read transaction as the
// caller, through a cursor, so policies decide what is in it and memory stays flat.
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { once } from 'node:events';
import { z } from 'zod';
import { orderedFields, toGridField } from '$lib/domain/view-fields';
import { titleFieldOf } from '$lib/domain/view-fields';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import { canReadAll } from '$lib/domain/roles';
import { pruneViewConfig } from '$lib/domain/view-config';
import { serverFilter, viewSort } from '$lib/domain/view-query';
import type { ViewConfig } from '$lib/domain/views';
import type { Actor } from '../../auth/actor';
import type { AppContext } from '../../context';
import type { Tx } from '../../db';
import { loadRecords, type FlatRecord } from '../records/read';
import { findEntityType } from '../schema';
import type { EntityType } from '$lib/domain/schema';
import { inSpace, type SpaceScope } from '../scope';
import { parseInput } from '../validate';
import type { ExportColumn, ExportLookups } from './export-cells';
import { scanRecords } from './scan-records';
import {
	contentTypes,
	createCsvWriter,
	createXlsxWriter,
	type ExportFormat,
	type SheetWriter
} from './sheet-writers';

export interface RecordExport {
	/** The file's bytes; ends when the last record is written, errors if the export fails. */
	stream: Readable;
	filename: string;
	contentType: string;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const exportInput = z.object({
	format: z.enum(['csv', 'xlsx'], { error: 'must be csv or xlsx' }),
	view: z.string({ error: 'must be a view id' }).optional()
});

/** Bytes a download may buffer before the reads wait for it: about five chunks of CSV. */
const OUTPUT_BUFFER_BYTES = 1024 * 1024;

/** The export stopped because the download did: not a failure, nothing to report. */
class ExportCancelled extends Error {}

interface Plan {
	type: EntityType;
	/** What the file is named after: the view, else the sheet. */
	title: string;
	config: ViewConfig;
	columns: ExportColumn[];
}

function viewNotFound(view: string): AppError {
	return new AppError(AppErrorCode.NotFound, `View "${view}" not found`, { field: 'view' });
}

/** The sheet and, when asked, its saved view, resolved and checked before a byte is sent. */
async function planExport(scope: SpaceScope, typeRef: string, view?: string): Promise<Plan> {
	const type = findEntityType(scope.types, typeRef);
	let title = type.name;
	let config: ViewConfig = {};
	if (view !== undefined) {
		// Saved views belong to readers of the whole space (services/views.ts); a check-in
		// member exports only the sheet, with the fields the policies show them.
		if (!canReadAll(scope.space.role)) {
			throw new AppError(AppErrorCode.Forbidden, `Your role (${scope.space.role}) has no views`, {
				field: 'view'
			});
		}
		if (!uuidPattern.test(view)) throw viewNotFound(view);
		const { rows } = await scope.tx.query<{ name: string; config: ViewConfig }>(
			'select name, config from views where id = $1 and space_id = $2 and entity_type_id = $3',
			[view, scope.space.id, type.id]
		);
		// A view of another sheet is as unknown here as one that does not exist.
		if (!rows[0]) throw viewNotFound(view);
		title = rows[0].name;
		config = pruneViewConfig(rows[0].config, type);
	}
	const hidden = new Set(config.hidden ?? []);
	const columns = orderedFields(type.attributes, config, scope.space).filter(
		(field) => !hidden.has(field.key)
	);
	return { type, title, config, columns };
}

const isMemberKind = (kind: string) =>
	kind === 'user' || kind === 'created_by' || kind === 'updated_by';

/** Member names, once per export; former members keep their id in the file. */
async function loadMemberNames(scope: SpaceScope): Promise<Map<string, string>> {
	const { rows } = await scope.tx.query<{ id: string; name: string }>(
		`select u.id, u.name from memberships m join users u on u.id = m.user_id
		  where m.space_id = $1`,
		[scope.space.id]
	);
	return new Map(rows.map((row) => [row.id, row.name]));
}

/**
 * Titles of the records this chunk links to, as the grid's relation chips show them (the
 * target sheet's title field): one query per relation column and chunk. A link the caller
 * cannot read, or whose title is empty, stays an id.
 */
async function loadLinkedTitles(options: {
	tx: Tx;
	spaceId: string;
	types: EntityType[];
	columns: ExportColumn[];
	records: FlatRecord[];
}): Promise<Map<string, string>> {
	const titles = new Map<string, string>();
	for (const column of options.columns) {
		if (column.kind !== 'relation') continue;
		const target = options.types.find((type) => type.id === column.options.targetEntityTypeId);
		const titleKey = target && titleFieldOf(target);
		const titleAttribute = target?.attributes.find((attribute) => attribute.key === titleKey);
		if (!target || !titleAttribute) continue;
		const ids = new Set<string>();
		for (const record of options.records) {
			const linked = record[column.key];
			if (Array.isArray(linked)) for (const id of linked as string[]) ids.add(id);
		}
		if (ids.size === 0) continue;
		const titleField = toGridField(titleAttribute);
		const linkedRecords = await loadRecords({
			tx: options.tx,
			spaceId: options.spaceId,
			type: target,
			ids: [...ids],
			select: [titleField.key]
		});
		for (const record of linkedRecords) {
			const value = record[titleField.key] ?? null;
			const text = value === null ? '' : titleField.impl.format(value, titleField.options);
			if (text.trim()) titles.set(record.id, text);
		}
	}
	return titles;
}

/** Waits until the download has taken what was written; throws if it went away. */
async function drained(output: Writable): Promise<void> {
	if (output.destroyed) throw new ExportCancelled();
	if (!output.writableNeedDrain) return;
	await Promise.race([once(output, 'drain'), once(output, 'close')]);
	if (output.destroyed) throw new ExportCancelled();
}

/** `<view or sheet name> <YYYY-MM-DD>.<format>`, with nothing a file system refuses. */
export function exportFilename(title: string, format: ExportFormat, now = new Date()): string {
	const safe = title
		.replace(/[\p{Cc}\\/:*?"<>|]+/gu, ' ')
		.replace(/\s+/g, ' ')
		.trim()
		.replace(/^\.+/, '')
		.slice(0, 100);
	return `${safe || 'export'} ${now.toISOString().slice(0, 10)}.${format}`;
}

/**
 * Starts an export and resolves as soon as the sheet, view and access are checked, with the
 * stream the file comes out of; errors found up to then reject (bad input, no access). The
 * transaction stays open while the stream is read and closes when it ends or is cancelled.
 */
export async function exportRecords(options: {
	context: AppContext;
	actor: Actor;
	space: string;
	type: string;
	view?: string;
	format: unknown;
}): Promise<RecordExport> {
	const input = parseInput(exportInput, { format: options.format, view: options.view });
	const output = new PassThrough({ highWaterMark: OUTPUT_BUFFER_BYTES });
	return new Promise<RecordExport>((resolve, reject) => {
		let isStarted = false;
		inSpace(options.context, options.actor, options.space, async (scope) => {
			const plan = await planExport(scope, options.type, input.view);
			const names = plan.columns.some((column) => isMemberKind(column.kind))
				? await loadMemberNames(scope)
				: new Map<string, string>();
			const writer: SheetWriter =
				input.format === 'csv'
					? createCsvWriter(output, plan.columns)
					: createXlsxWriter(output, plan.columns, {
							sheet: plan.title,
							widths: plan.config.widths
						});
			isStarted = true;
			resolve({
				stream: output,
				filename: exportFilename(plan.title, input.format),
				contentType: contentTypes[input.format]
			});
			const chunks = scanRecords({
				tx: scope.tx,
				spaceId: scope.space.id,
				type: plan.type,
				query: {
					filter: serverFilter(plan.config.filter) ?? undefined,
					sort: viewSort(plan.config),
					search: plan.config.search
				},
				select: plan.columns.map((column) => column.key)
			});
			for await (const records of chunks) {
				const titles = await loadLinkedTitles({
					tx: scope.tx,
					spaceId: scope.space.id,
					types: scope.types,
					columns: plan.columns,
					records
				});
				const lookups: ExportLookups = {
					memberName: (id) => names.get(id),
					recordTitle: (id) => titles.get(id)
				};
				writer.writeRecords(records, lookups);
				await drained(output);
			}
			await writer.finish();
		}).catch((error: unknown) => {
			if (!isStarted) return reject(error);
			if (error instanceof ExportCancelled) return;
			// Headers are gone already: all that is left is to break the download, so the
			// client sees a failed transfer instead of a file that looks complete.
			console.error('An export failed while streaming', error);
			output.destroy(error instanceof Error ? error : new Error(String(error)));
		});
	});
}
