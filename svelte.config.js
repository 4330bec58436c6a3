import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// BUILD_DIR and KIT_OUT_DIR let builds run side by side (one per worktree or agent);
		// the defaults are what `npm start` and `npm test` use.
		adapter: adapter({ out: process.env.BUILD_DIR ?? 'build' }),
		outDir: process.env.KIT_OUT_DIR ?? '.svelte-kit',
		// SvelteKit's default origin check rejects cross-origin form posts: it is our CSRF guard
		// for forms. JSON endpoints check the origin themselves in hooks.server.ts.
		alias: { $realtime: 'realtime' },
		// The check-in page registers src/service-worker.ts itself, scoped to /checkin/, so the
		// worker never sits between the rest of the app and the network.
		serviceWorker: { register: false }
	}
};

export default config;
