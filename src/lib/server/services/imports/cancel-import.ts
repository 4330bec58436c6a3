// Cancel: a queued import never starts; a running one stops after its current batch and its
// job takes back what it wrote (run-import.ts), so a cancelled import leaves nothing behind.
import { AppError, AppErrorCode } from '$lib/domain/errors';
import type { ImportStatus } from '$lib/domain/imports';
import type { Actor } from '../../auth/actor';
import type { AppContext } from '../../context';
import { inSpace } from '../scope';
import { requireImportRole } from './create-import';
import { loadImport, toStatus } from './status';

export async function cancelImport(options: {
	context: AppContext;
	actor: Actor;
	space: string;
	id: string;
}): Promise<ImportStatus> {
	const { context } = options;
	const { status, jobId, wasQueued } = await inSpace(
		context,
		options.actor,
		options.space,
		async ({ tx, space }) => {
			requireImportRole(options.actor, space.role);
			const row = await loadImport(tx, space.id, options.id, { forUpdate: true });
			if (row.state !== 'queued' && row.state !== 'running' && row.state !== 'uploaded') {
				throw new AppError(
					AppErrorCode.Conflict,
					'Only an import that has not finished can be cancelled',
					{
						field: 'id'
					}
				);
			}
			// A running job sees the state at its next batch, takes its rows back out and then sets
			// the end time itself.
			await tx.query(
				`update imports set state = 'cancelled', finished_at = case when $2 then now() end where id = $1`,
				[row.id, row.state !== 'running']
			);
			return {
				status: toStatus({ ...row, state: 'cancelled' }),
				jobId: row.jobId,
				wasQueued: row.state === 'queued'
			};
		}
	);
	if (wasQueued && jobId) await context.jobs.cancel('import', jobId).catch(() => undefined);
	context.progress.publish(status);
	return status;
}
