// An import's row as the browser sees it, and the reads every import use case starts from.
import { AppError, AppErrorCode } from '$lib/domain/errors';
import type { ImportStatus, ReadOptions } from '$lib/domain/imports';
import { isUuid } from '$lib/domain/ids';
import type { Tx } from '../../db';

export interface ImportRow extends ImportStatus {
	createdBy: string;
	fileKey: string;
	fileSize: number;
	format: 'csv' | 'xlsx';
	options: ReadOptions;
	mapping: ImportMappingEntry[] | null;
	keyAttributeId: string | null;
	jobId: string | null;
}

/** A column of the file written to a field (by attribute id). */
export interface ImportMappingEntry {
	column: number;
	attributeId: string;
}

const columns = `id, space_id as "spaceId", entity_type_id as "entityTypeId", created_by as "createdBy",
  file_key as "fileKey", file_name as "fileName", file_size as "fileSize", format, options, mapping, mode,
  key_attribute_id as "keyAttributeId", state, job_id as "jobId", total_rows as "totalRows",
  processed_rows as "processedRows", added, updated, skipped, refused,
  possible_duplicates as "possibleDuplicates", error,
  created_at as "createdAt", started_at as "startedAt", finished_at as "finishedAt"`;

export const importColumns = columns;

export function toStatus(row: ImportRow): ImportStatus {
	const at = (value: unknown) =>
		value instanceof Date ? value.toISOString() : (value as string | null);
	return {
		id: row.id,
		spaceId: row.spaceId,
		entityTypeId: row.entityTypeId,
		fileName: row.fileName,
		state: row.state,
		mode: row.mode,
		totalRows: row.totalRows,
		processedRows: row.processedRows,
		added: row.added,
		updated: row.updated,
		skipped: row.skipped,
		refused: row.refused,
		possibleDuplicates: row.possibleDuplicates,
		error: row.error,
		createdAt: at(row.createdAt)!,
		startedAt: at(row.startedAt),
		finishedAt: at(row.finishedAt)
	};
}

/**
 * Sets columns of the import (`set` is SQL whose parameters start at $3) and returns its
 * status from the same statement.
 */
export async function updateImport(
	tx: Tx,
	spaceId: string,
	id: string,
	set: string,
	values: unknown[] = []
): Promise<ImportStatus> {
	const { rows } = await tx.query<ImportRow>(
		`update imports set ${set} where space_id = $1 and id = $2 returning ${columns}`,
		[spaceId, id, ...values]
	);
	if (!rows[0])
		throw new AppError(AppErrorCode.NotFound, `Import ${id} not found`, { field: 'id' });
	return toStatus(rows[0]);
}

/** The import `id` of space `spaceId`, locked for update when `forUpdate`; 404 otherwise. */
export async function loadImport(
	tx: Tx,
	spaceId: string,
	id: string,
	options: { forUpdate?: boolean } = {}
): Promise<ImportRow> {
	if (!isUuid(id))
		throw new AppError(AppErrorCode.NotFound, `Import ${id} not found`, { field: 'id' });
	const { rows } = await tx.query<ImportRow>(
		`select ${columns} from imports where space_id = $1 and id = $2${options.forUpdate ? ' for update' : ''}`,
		[spaceId, id]
	);
	if (!rows[0])
		throw new AppError(AppErrorCode.NotFound, `Import ${id} not found`, { field: 'id' });
	return rows[0];
}
