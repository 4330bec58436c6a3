// Secrets (AUTH_SECRET, OAuth client secrets): from Vault when VAULT_ADDR is set, else from the
// environment with AUTH_SECRET generated once into DATA_DIR/secret.
import { randomBytes, randomUUID } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import vault from 'node-vault';
import type { Config } from '$lib/server/config';

export interface SecretStore {
	get(name: string): Promise<string | undefined>;
}

export interface EnvSecretsOptions {
	env: Record<string, string | undefined>;
	dataDir: string;
}

const GENERATED = 'AUTH_SECRET';

async function readSecretFile(file: string): Promise<string> {
	const secret = (await readFile(file, 'utf8')).trim();
	// Signing sessions with an empty key would accept forged ones; stop instead.
	if (secret === '') throw new Error(`${file} is empty; delete it to generate a new secret`);
	return secret;
}

/**
 * Creates the file only if absent, and with its full content: the secret is written to a
 * private temporary file and hard-linked into place, which fails when another process got
 * there first, so two processes starting together still agree on one secret.
 */
async function readOrCreateSecret(file: string): Promise<string> {
	try {
		return await readSecretFile(file);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
	}
	await mkdir(path.dirname(file), { recursive: true });
	const temporary = `${file}.${randomUUID()}`;
	await writeFile(temporary, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' });
	try {
		await link(temporary, file);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
	} finally {
		await rm(temporary, { force: true });
	}
	return readSecretFile(file);
}

export function createEnvSecrets(options: EnvSecretsOptions): SecretStore {
	let generated: Promise<string> | undefined;
	return {
		async get(name) {
			const value = options.env[name];
			if (value !== undefined && value !== '') return value;
			if (name !== GENERATED) return undefined;
			// One read per store; a failed attempt is forgotten so the next call can retry.
			generated ??= readOrCreateSecret(path.join(options.dataDir, 'secret')).catch((error) => {
				generated = undefined;
				throw error;
			});
			return generated;
		}
	};
}

export interface VaultSecretsOptions {
	addr: string;
	token: string;
	/** The KV v2 read path including `data/`, e.g. `secret/data/roster`. */
	path: string;
}

const isNotFound = (error: unknown) =>
	(error as { response?: { statusCode?: number } }).response?.statusCode === 404;

/** Reads one KV v2 secret whose keys are the secret names. Nothing falls back to the env. */
export function createVaultSecrets(options: VaultSecretsOptions): SecretStore {
	const client = vault({ endpoint: options.addr, token: options.token });
	return {
		async get(name) {
			let response: { data?: { data?: Record<string, unknown> } };
			try {
				response = await client.read(options.path);
			} catch (error) {
				// A path never written is an empty secret; a refused token or an unreachable Vault is
				// not, and must stop the start rather than run without secrets.
				if (isNotFound(error)) return undefined;
				throw error;
			}
			const value = response.data?.data?.[name];
			return typeof value === 'string' && value !== '' ? value : undefined;
		}
	};
}

export function createSecrets(config: Config): SecretStore {
	if (config.vault) {
		return createVaultSecrets({ ...config.vault, path: config.VAULT_SECRET_PATH });
	}
	// The validated config is the one reading of the environment; pass on its string values.
	const env = Object.fromEntries(
		Object.entries(config).filter(
			(entry): entry is [string, string] => typeof entry[1] === 'string'
		)
	);
	return createEnvSecrets({ env, dataDir: config.dataDir });
}
