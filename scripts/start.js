// `npm start`: build the app when the sources are newer than the last build, then serve it.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

function newest(target) {
	if (!existsSync(target)) return 0;
	const stat = statSync(target);
	if (!stat.isDirectory()) return stat.mtimeMs;
	let latest = stat.mtimeMs;
	for (const entry of readdirSync(target))
		latest = Math.max(latest, newest(path.join(target, entry)));
	return latest;
}

execFileSync(process.execPath, [path.join(root, 'scripts', 'prisma-generate.js'), '--if-missing'], {
	stdio: 'inherit'
});

const built = path.join(root, 'build', 'handler.js');
const sources = [
	'src',
	'realtime',
	'static',
	'prisma',
	'package.json',
	'svelte.config.js',
	'vite.config.ts'
];
const isStale = !existsSync(built) || Math.max(...sources.map(newest)) > statSync(built).mtimeMs;
if (isStale) {
	console.log('Building the app (first start or changed sources) ...');
	execFileSync(
		process.execPath,
		[path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'],
		{
			stdio: 'inherit',
			env: { ...process.env, NODE_ENV: 'production' }
		}
	);
}
process.env.NODE_ENV ??= 'production';
await import('../server.js');
