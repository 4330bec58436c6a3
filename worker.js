// `npm run worker`: a process that runs background jobs (imports and their undo) from the
// queue in Postgres, beside any number of app processes and other workers. It loads the same
// build as server.js; the app's init hook boots the context and, seeing this flag, starts the
// job handlers instead of the sockets. It answers only GET /api/health, for probes.
import http from 'node:http';

globalThis[Symbol.for('roster.worker')] = true;

const port = Number(process.env.WORKER_PORT ?? 3001);
const host = process.env.HOST ?? '0.0.0.0';
// adapter-node's body limit (512 KB) would cut signed file uploads short; the app's hooks
// hold every other body to its own limit with a coded 413 instead.
process.env.BODY_SIZE_LIMIT ??= 'Infinity';
const buildDir = process.env.BUILD_DIR ?? 'build';
// Requests that reach SvelteKit need an origin to build URLs from; nothing here serves pages.
process.env.ORIGIN ??= `http://localhost:${port}`;

const { handler } = await import(new URL(`./${buildDir}/handler.js`, import.meta.url).href);

const server = http.createServer((request, response) => {
	if (request.method === 'GET' && request.url === '/api/health') return handler(request, response);
	response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
});
server.listen(port, host, () => console.log(`Roster worker is running (health on :${port})`));

let isClosing = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
	process.on(signal, () => {
		if (isClosing) return;
		isClosing = true;
		server.close();
		// Registered by the app context: stops the job queue (running jobs finish first), then
		// closes pools.
		const shutdown = globalThis[Symbol.for('roster.shutdown')];
		Promise.resolve(shutdown?.())
			.catch((error) => console.error(error))
			.finally(() => process.exit(0));
	});
}
