import { sveltekit } from '@sveltejs/kit/vite';
import tailwindcss from '@tailwindcss/vite';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * `vite dev` has no server.js: hand its HTTP server to the app the way server.js does, so the
 * realtime transports attach in development too.
 */
const shareDevServer: Plugin = {
	name: 'roster-share-dev-server',
	configureServer(server) {
		if (server.httpServer) {
			(globalThis as Record<symbol, unknown>)[Symbol.for('roster.httpServer')] = server.httpServer;
		}
	}
};

export default defineConfig({
	plugins: [shareDevServer, tailwindcss(), sveltekit()],
	test: {
		projects: [
			{
				extends: true,
				test: {
					name: 'unit',
					environment: 'node',
					include: ['src/**/*.spec.ts', 'realtime/**/*.spec.ts']
				}
			},
			{
				extends: true,
				test: {
					name: 'integration',
					environment: 'node',
					include: ['tests/integration/**/*.test.ts'],
					globalSetup: ['tests/setup/services.ts'],
					// The suites share one database and one Redis; running files one at a time keeps
					// their fixtures from racing while each file still uses its own space.
					fileParallelism: false,
					testTimeout: 60_000,
					hookTimeout: 120_000
				}
			},
			{
				extends: true,
				test: {
					name: 'e2e',
					environment: 'node',
					include: ['tests/e2e/**/*.test.ts'],
					globalSetup: ['tests/setup/services.ts'],
					fileParallelism: false,
					testTimeout: 60_000,
					hookTimeout: 120_000
				}
			}
		]
	}
});
