// `npm start`: build the app when the sources are newer than the last build, then serve it.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isBuildStale } from './build-state.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

execFileSync(process.execPath, [path.join(root, 'scripts', 'prisma-generate.js'), '--if-missing'], {
	stdio: 'inherit'
});

const isStale = isBuildStale(root);
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
