// The one HTTP server: SvelteKit's handler, and the realtime transports (socket.io and the
// y-websocket endpoint at /yjs/<record id>) that attach to it from inside the bundle. Importing
// the handler runs the app's `init` hook, which boots the context (database, migrations,
// adapters, seed) and the realtime engine before we listen.
import http from 'node:http';

const server = http.createServer();
// The realtime transport attaches to this server from inside the SvelteKit bundle.
globalThis[Symbol.for('roster.httpServer')] = server;

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '0.0.0.0';
// adapter-node assumes https when ORIGIN is unset, which would make every form post from
// http://localhost look cross-site and put cookies behind the Secure flag. Serve the local
// default as what it is. Behind a TLS proxy, set ORIGIN to the public https address, or set
// PROTOCOL_HEADER (and HOST_HEADER) to trust the proxy's X-Forwarded-Proto (and -Host): then
// adapter-node reads each request's address from those headers and no default is set here.
if (!process.env.PROTOCOL_HEADER) {
	process.env.ORIGIN ??= `http://${host === '0.0.0.0' || host === '::' ? 'localhost' : host}:${port}`;
}

// Listen for requests before the import: socket.io attaches during it and wraps the listeners
// it finds, so its own requests (/socket.io/ polling) never also reach SvelteKit.
let handler;
server.on('request', (request, response) => handler(request, response));
// adapter-node's body limit (512 KB) would cut signed file uploads short; the app's hooks
// hold every other body to its own limit with a coded 413 instead.
process.env.BODY_SIZE_LIMIT ??= 'Infinity';
const buildDir = process.env.BUILD_DIR ?? 'build';
({ handler } = await import(new URL(`./${buildDir}/handler.js`, import.meta.url).href));

server.listen(port, host, () => console.log(`\nRoster is running at ${process.env.ORIGIN}\n`));

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
