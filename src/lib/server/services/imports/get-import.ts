// Reading imports: one import's status, a sheet's recent imports, and the refused rows as CSV.
import type { ImportStatus } from '$lib/domain/imports';
import type { Actor } from '../../auth/actor';
import type { AppContext } from '../../context';
import { withActor } from '../../db';
import { findEntityType, resolveSpace } from '../schema';
import { inSpace } from '../scope';
import { CSV_BOM, csvLine } from '../exports/csv';
import { importColumns, loadImport, toStatus, type ImportRow } from './status';

export function getImport(options: {
	context: AppContext;
	actor: Actor;
	space: string;
	id: string;
}): Promise<ImportStatus> {
	return inSpace(options.context, options.actor, options.space, async ({ tx, space }) =>
		toStatus(await loadImport(tx, space.id, options.id))
	);
}

export function listImports(options: {
	context: AppContext;
	actor: Actor;
	space: string;
	type: string;
}): Promise<ImportStatus[]> {
	return inSpace(options.context, options.actor, options.space, async ({ tx, space, types }) => {
		const type = findEntityType(types, options.type);
		const { rows } = await tx.query<ImportRow>(
			`select ${importColumns} from imports where space_id = $1 and entity_type_id = $2
			  order by created_at desc limit 20`,
			[space.id, type.id]
		);
		return rows.map(toStatus);
	});
}

const PAGE = 2_000;

/**
 * The refused rows as CSV: the row number, the field and reason, then the row's own cells, so
 * the user can fix them in a spreadsheet and import that file. Read a page at a time. Field and
 * reason are neutralised against CSV injection like any export; the row's cells are given back
 * exactly as the file had them (they are the user's own bytes, and a leading quote would stop
 * "-12" from importing as a number again).
 */
export async function refusedRowsCsv(options: {
	context: AppContext;
	actor: Actor;
	space: string;
	id: string;
}): Promise<{ fileName: string; body: ReadableStream<Uint8Array> }> {
	const { context, actor } = options;
	const row = await inSpace(context, actor, options.space, ({ tx, space }) =>
		loadImport(tx, space.id, options.id)
	);
	let after = 0;
	let isFirst = true;
	const encoder = new TextEncoder();
	const body = new ReadableStream<Uint8Array>({
		async pull(controller) {
			const rows = await withActor(context.db.runtime, actor, async (tx) => {
				await resolveSpace(tx, options.space);
				const result = await tx.query<{
					row_number: number;
					field: string | null;
					reason: string;
					cells: string[];
				}>(
					`select row_number, field, reason, cells from import_refusals
					  where space_id = $1 and import_id = $2 and row_number > $3 order by row_number limit $4`,
					[row.spaceId, row.id, after, PAGE]
				);
				return result.rows;
			});
			let text = '';
			if (isFirst) {
				text += CSV_BOM + csvLine(['Row', 'Field', 'Reason', '(the row as it was in the file)']);
				isFirst = false;
			}
			for (const refusal of rows) {
				const { row_number, field, reason, cells } = refusal;
				text += csvLine(
					[String(row_number), field ?? '', reason, ...cells],
					[true, false, false, ...cells.map(() => true)]
				);
			}
			if (text) controller.enqueue(encoder.encode(text));
			if (rows.length < PAGE) controller.close();
			else after = rows[rows.length - 1]!.row_number;
		}
	});
	const base = row.fileName.replace(/\.[^.]+$/, '');
	return { fileName: `${base} - refused rows.csv`, body };
}
