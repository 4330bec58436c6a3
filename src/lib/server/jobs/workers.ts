// The job handlers (imports, their undo, large exports, webhook deliveries, mail, duplicate scans), started in the worker process (`npm run worker`) and, unless
// JOBS_IN_PROCESS is off, in the app process too: `npm start` alone then does everything.
import type { AppContext } from '../context';
import { runImport, runImportUndo, type ImportJob } from '../services/imports';
import { deliverWebhook } from '../services/webhooks';
import { runExportJob, type ExportJob } from '../services/exports';
import { deliverMail, type MailJob } from '../services/mail';
import { runScan, type ScanJob } from '../services/matching';

export async function startJobWorkers(context: AppContext): Promise<void> {
	await context.jobs.work<ImportJob>('import', (job) => runImport(context, job));
	await context.jobs.work<ImportJob>('import-undo', (job) => runImportUndo(context, job));
	await context.jobs.work<ExportJob>('export', (job, attempt) =>
		runExportJob(context, job, attempt.jobId)
	);
	await context.jobs.work<{ deliveryId: string }>('webhook-delivery', (job, attempt) =>
		deliverWebhook(context, job, attempt)
	);
	await context.jobs.work<MailJob>('mail', (job) => deliverMail(context, job));
	await context.jobs.work<ScanJob>('match-scan', (job) => runScan(context, job));
}
