// Large exports as a background job: the same export (exportRecords), written to storage by a
// worker instead of streamed down one request, then offered as a short-lived download link.
// A big sheet then holds no request, and no connection waits on a slow download.
import { AppError, AppErrorCode } from '$lib/domain/errors';
import type { Actor } from '../../auth/actor';
import type { AppContext } from '../../context';
import { inSpace } from '../scope';
import { exportRecords } from './export-records';

export interface ExportJob {
	actor: Actor;
	spaceId: string;
	type: string;
	view?: string;
	format: string;
}

export interface ExportJobStatus {
	id: string;
	state: 'queued' | 'running' | 'done' | 'failed';
	filename: string | null;
	/** A presigned link to the file, valid for a few minutes; present when done. */
	downloadUrl: string | null;
}

interface ExportOutput {
	key: string;
	filename: string;
}

/** Checks the export as a download would (sheet, view, access), then queues it. */
export async function queueExport(options: {
	context: AppContext;
	actor: Actor;
	space: string;
	type: string;
	view?: string;
	format: unknown;
}): Promise<ExportJobStatus> {
	const { context, actor } = options;
	// Starting the export runs every check; the stream is dropped before its first byte.
	const probe = await exportRecords(options);
	probe.stream.destroy();
	const spaceId = await inSpace(context, actor, options.space, async ({ space }) => space.id);
	const job: ExportJob = {
		actor,
		spaceId,
		type: options.type,
		view: options.view,
		format: String(options.format)
	};
	const id = await context.jobs.send('export', job);
	return { id, state: 'queued', filename: null, downloadUrl: null };
}

/** The job: the export's stream straight into storage. */
export async function runExportJob(
	context: AppContext,
	job: ExportJob,
	jobId: string
): Promise<ExportOutput> {
	const file = await exportRecords({ context, ...job, space: job.spaceId });
	const key = `spaces/${job.spaceId}/exports/${jobId}`;
	await context.storage.putStream(key, file.stream, file.contentType);
	return { key, filename: file.filename };
}

const notFound = (id: string) =>
	new AppError(AppErrorCode.NotFound, `Export ${id} not found`, { field: 'id' });

/** An export job's state for the person who asked for it, with its link once it is done. */
export async function getExportJob(options: {
	context: AppContext;
	actor: Actor;
	space: string;
	id: string;
}): Promise<ExportJobStatus> {
	const { context, actor } = options;
	const record = await context.jobs.get('export', options.id);
	const job = record?.data as ExportJob | undefined;
	// Someone else's export, or one of another space, looks like none at all; and the caller
	// must still be a member of the space it came from.
	const spaceId = await inSpace(context, actor, options.space, async ({ space }) => space.id);
	if (!record || !job || job.actor.userId !== actor.userId || job.spaceId !== spaceId)
		throw notFound(options.id);
	const output = record.output as ExportOutput | null;
	if (record.state === 'completed' && output?.key) {
		return {
			id: record.id,
			state: 'done',
			filename: output.filename,
			downloadUrl: await context.storage.presignDownload(output.key, { filename: output.filename })
		};
	}
	const state =
		record.state === 'active'
			? 'running'
			: record.state === 'failed' || record.state === 'cancelled'
				? 'failed'
				: 'queued';
	return { id: record.id, state, filename: null, downloadUrl: null };
}
