import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default ts.config(
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	{ languageOptions: { globals: { ...globals.browser, ...globals.node } } },
	{
		files: ['**/*.svelte', '**/*.svelte.ts'],
		languageOptions: {
			parserOptions: {
				projectService: true,
				extraFileExtensions: ['.svelte'],
				parser: ts.parser,
				svelteConfig
			}
		}
	},
	{
		rules: {
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ argsIgnorePattern: '^_', varsIgnorePattern: '^_' }
			]
		}
	},
	{
		// Browser code never imports from src/lib/server, not even types: server modules may hold
		// secrets and Node-only code, and a type import is how a server shape leaks into the UI.
		// Shapes the browser receives live in src/lib/domain. Server-only files are the ones
		// SvelteKit itself keeps off the client; tests and app.d.ts (App.Locals) never ship.
		files: ['src/**/*.{js,ts,svelte}'],
		ignores: [
			'src/lib/server/**',
			'src/**/*.server.ts',
			'src/**/+server.ts',
			'src/**/*.spec.ts',
			'src/app.d.ts',
			'src/generated/**'
		],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							regex: '^(\\$lib/|(\\.{1,2}/)+(lib/)?)server(/|$)',
							message:
								'Browser code must not import from $lib/server (types included); put the shape in $lib/domain.'
						}
					]
				}
			]
		}
	},
	{
		// The other direction: server code does not reach into browser modules (components,
		// client state, Svelte runes). What both sides need lives in src/lib/domain.
		files: [
			'src/lib/server/**/*.ts',
			'src/**/*.server.ts',
			'src/**/+server.ts',
			'realtime/**/*.ts'
		],
		ignores: ['**/*.spec.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							regex: '^\\$lib/(components|client)(/|$)',
							message:
								'Server code must not import browser modules; move what both sides need to $lib/domain.'
						}
					]
				}
			]
		}
	},
	{
		ignores: [
			'build/',
			'build-*/',
			'.svelte-kit-*/',
			'.svelte-kit/',
			'.data/',
			'src/generated/',
			'test-results/',
			'node_modules/'
		]
	}
);
