// The one HTTP server: SvelteKit's handler now, socket.io on the same server later. Importing
// the handler runs the app's `init` hook, which boots the context (database, migrations,
// adapters, seed) before we listen.
import http from 'node:http';

const server = http.createServer();
// The realtime transport attaches to this server from inside the SvelteKit bundle.
globalThis[Symbol.for('roster.httpServer')] = server;

const { handler } = await import('./build/handler.js');
server.on('request', handler);

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '0.0.0.0';
server.listen(port, host, () => {
	const address = server.address();
	const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
	const url =
		process.env.ORIGIN ??
		`http://${shown}:${typeof address === 'object' && address ? address.port : port}`;
	console.log(`\nRoster is running at ${url}\n`);
});

let isClosing = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
	process.on(signal, () => {
		if (isClosing) return;
		isClosing = true;
		server.close();
		server.closeAllConnections?.();
		// Registered by the app context: closes pools and stops an embedded Postgres.
		const shutdown = globalThis[Symbol.for('roster.shutdown')];
		Promise.resolve(shutdown?.())
			.catch((error) => console.error(error))
			.finally(() => process.exit(0));
	});
}
