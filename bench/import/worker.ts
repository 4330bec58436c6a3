// The job worker of the import bench, in its own process so that its memory is its own:
// boots the app context on the bench database and runs the import jobs.
import { boot } from '$lib/server/context';
import { startJobWorkers } from '$lib/server/jobs/workers';

const context = await boot({
	env: JSON.parse(process.env.BENCH_ENV!) as Record<string, string>,
	log: () => undefined
});
await startJobWorkers(context);
process.send?.('ready');
process.on('message', async (message) => {
	if (message === 'stop') {
		await context.close();
		process.exit(0);
	}
});
