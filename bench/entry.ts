// What every `npm run bench:*` entry does first: make sure tsx can resolve `$lib/...`. tsx reads
// `paths` from tsconfig.json, which extends .svelte-kit/tsconfig.json, a file that
// `svelte-kit sync` writes; tsx reads tsconfig once at start, so after a sync the entry runs
// again in a fresh process (and this one exits with its status). Imports nothing from $lib.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function ensureSvelteKitPaths(entryUrl: string): void {
	const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
	process.chdir(root);
	if (existsSync(path.join(root, '.svelte-kit', 'tsconfig.json'))) return;
	if (process.env.BENCH_SYNCED)
		throw new Error('svelte-kit sync did not write .svelte-kit/tsconfig.json');
	console.log('Running svelte-kit sync so that $lib imports resolve ...');
	execFileSync(
		process.execPath,
		[path.join(root, 'node_modules', '@sveltejs', 'kit', 'svelte-kit.js'), 'sync'],
		{ stdio: 'inherit' }
	);
	const rerun = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(entryUrl)], {
		stdio: 'inherit',
		env: { ...process.env, BENCH_SYNCED: '1' }
	});
	process.exit(rerun.status ?? 1);
}
