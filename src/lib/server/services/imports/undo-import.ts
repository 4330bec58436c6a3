// Undo of an import: one action removes the records it created and puts back the values it
// changed. Runs as a job (an import can touch a million records), in batches through the one
// write path, so the undo is audited and open grids follow. Records deleted or changed since
// are left as their later edits made them, except for the fields the import wrote.
import { AppError, AppErrorCode } from '$lib/domain/errors';
import type { ImportStatus } from '$lib/domain/imports';
import type { CellValue } from '$lib/domain/attributes/kind';
import type { Actor } from '../../auth/actor';
import type { AppContext } from '../../context';
import { writeRecords } from '../records/write';
import { inSpace } from '../scope';
import { requireImportRole } from './create-import';
import type { ImportJob } from './run-import';
import { loadImport, toStatus, updateImport } from './status';

const UNDO_BATCH = 1_000;

/** Takes back, batch by batch, everything import `job.importId` wrote. */
export async function revertImport(context: AppContext, job: ImportJob): Promise<void> {
	for (;;) {
		const result = await inSpace(context, job.actor, job.spaceId, async (scope) => {
			const { tx, space } = scope;
			const row = await loadImport(tx, space.id, job.importId);
			const type = scope.types.find((candidate) => candidate.id === row.entityTypeId);
			const { rows } = await tx.query<{
				entity_id: string;
				action: 'create' | 'update';
				before: Record<string, CellValue> | null;
			}>(
				`select r.entity_id, r.action, r.before from import_records r
				   join entities e on e.id = r.entity_id and e.space_id = r.space_id
				  where r.space_id = $1 and r.import_id = $2 limit $3`,
				[space.id, row.id, UNDO_BATCH]
			);
			if (!rows.length || !type) {
				// What is left names records deleted since: nothing to take back there.
				await tx.query('delete from import_records where space_id = $1 and import_id = $2', [
					space.id,
					row.id
				]);
				return { changes: [], isDone: true };
			}
			const fieldKeys = new Set(type.attributes.map((attribute) => attribute.key));
			const written = await writeRecords({
				...scope,
				type,
				deletes: rows.filter((entry) => entry.action === 'create').map((entry) => entry.entity_id),
				updates: rows
					.filter((entry) => entry.action === 'update')
					.map((entry) => ({
						id: entry.entity_id,
						// Fields deleted since the import have nothing to put back.
						values: Object.fromEntries(
							Object.entries(entry.before ?? {}).filter(([key]) => fieldKeys.has(key))
						)
					})),
				returnUpdated: false
			});
			await tx.query(
				'delete from import_records where space_id = $1 and import_id = $2 and entity_id = any ($3::uuid[])',
				[space.id, row.id, rows.map((entry) => entry.entity_id)]
			);
			return { changes: written.changes, isDone: false };
		});
		context.changes.publish(result.changes);
		if (result.isDone) return;
	}
}

/** The undo job: reverts, then marks the import undone. */
export async function runImportUndo(context: AppContext, job: ImportJob): Promise<void> {
	await revertImport(context, job);
	const status = await inSpace(context, job.actor, job.spaceId, ({ tx, space }) =>
		updateImport(tx, space.id, job.importId, `state = 'undone', finished_at = now()`)
	);
	context.progress.publish(status);
}

/** Asks for an import to be undone; the job does the work and the page follows its progress. */
export async function undoImport(options: {
	context: AppContext;
	actor: Actor;
	space: string;
	id: string;
}): Promise<ImportStatus> {
	const { context, actor } = options;
	const { status, job } = await inSpace(context, actor, options.space, async ({ tx, space }) => {
		requireImportRole(actor, space.role);
		const row = await loadImport(tx, space.id, options.id, { forUpdate: true });
		if (row.state !== 'done') {
			throw new AppError(
				AppErrorCode.Conflict,
				row.state === 'undone' || row.state === 'undoing'
					? 'This import is already undone'
					: 'Only a finished import can be undone',
				{ field: 'id' }
			);
		}
		await tx.query(`update imports set state = 'undoing' where id = $1`, [row.id]);
		return {
			status: toStatus({ ...row, state: 'undoing' }),
			job: { importId: row.id, spaceId: space.id, actor: { ...actor, via: 'import' as const } }
		};
	});
	await context.jobs.send('import-undo', job);
	context.progress.publish(status);
	return status;
}
