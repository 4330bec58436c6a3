import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ out: 'build' }),
		// SvelteKit's default origin check rejects cross-origin form posts: it is our CSRF guard
		// for forms. JSON endpoints check the origin themselves in hooks.server.ts.
		alias: { $realtime: 'realtime' }
	}
};

export default config;
