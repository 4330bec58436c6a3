// The only way services reach tenant data: a transaction on the runtime role with the
// caller's identity set for the policies. Nothing else in the app holds a tenant connection.
import pg from 'pg';
import { AppError, AppErrorCode, type AppErrorOptions } from '$lib/domain/errors';
import { isUuid } from '$lib/domain/ids';
import { isTokenScope } from '$lib/domain/token-scopes';
import type { Actor } from './auth/actor';

export type Tx = pg.PoolClient;

// numeric stays a string from pg (exactness); bigint counts come back as JS numbers where we
// select them, so parse int8 as a number: our counts and sequences stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export interface Database {
	/** Runtime-role pool: every query is subject to RLS. */
	runtime: pg.Pool;
	/**
	 * Sign-in pool (2 connections) as the credentials role: the only one that may call
	 * app_credentials and so read a password hash. No tenant table is visible to it.
	 */
	credentials: pg.Pool;
	/** Owner pool: migrations and boot-time setup only. */
	owner: pg.Pool;
	ownerUrl: string;
	runtimeUrl: string;
}

export function createPool(connectionString: string, max: number): pg.Pool {
	const pool = new pg.Pool({ connectionString, max, idleTimeoutMillis: 30_000 });
	// An idle client that errors (server restart) must not crash the process.
	pool.on('error', () => undefined);
	return pool;
}

async function transaction<T>(
	pool: pg.Pool,
	opening: string,
	work: (tx: Tx) => Promise<T>
): Promise<T> {
	const client = await pool.connect();
	try {
		await client.query(opening);
		const result = await work(client);
		await client.query('commit');
		return result;
	} catch (error) {
		await client.query('rollback').catch(() => undefined);
		throw dataRefusal(error) ?? error;
	} finally {
		client.release();
	}
}

const ROLE = /^(owner|editor|viewer|checkin)$/;

/**
 * The statement that makes a transaction act as `actor` for the policies: withActor runs it
 * here and withPrismaActor (prisma.ts) in Prisma's transaction, so both clients set the same
 * identity the same way. The settings are transaction-local (`set_config(..., true)`), so a
 * pooled connection never carries one caller's identity into the next transaction. It has no
 * parameters (it shares a round trip with BEGIN, and a multi-statement simple query cannot take
 * any), so the values are checked against their exact shapes and then quoted as literals.
 */
export function actAsStatement(actor: Actor): string {
	const { userId, token } = actor;
	if (
		!isUuid(userId) ||
		(token &&
			(!isUuid(token.spaceId) ||
				!ROLE.test(token.role) ||
				!Array.isArray(token.scopes) ||
				!token.scopes.every(isTokenScope)))
	) {
		throw new Error('withActor: the actor is malformed');
	}
	const literal = pg.escapeLiteral;
	// A Postgres array literal; the policies read it with app_token_allows (0008_token_scopes).
	const scopes = token ? `{${token.scopes.join(',')}}` : '';
	return `select set_config('app.current_user_id', ${literal(userId)}, true),
	               set_config('app.token_space', ${literal(token?.spaceId ?? '')}, true),
	               set_config('app.token_role', ${literal(token?.role ?? '')}, true),
	               set_config('app.token_scopes', ${literal(scopes)}, true)`;
}

/** Runs `work` in one transaction as `actor`; BEGIN and the identity go in one round trip. */
export function withActor<T>(
	pool: pg.Pool,
	actor: Actor,
	work: (tx: Tx) => Promise<T>
): Promise<T> {
	return transaction(pool, `begin; ${actAsStatement(actor)}`, work);
}

/** A statement prepared once per connection (PREPARE) and run with literal arguments. */
export interface PreparedRead {
	/** The prepared statement's name: a plain identifier, unique in the app. */
	name: string;
	/** Its parameter types, as in PREPARE name(uuid, text). */
	types: string[];
	text: string;
}

const preparedOn = new WeakMap<pg.PoolClient, Set<string>>();

/**
 * One read as `actor` in a single round trip: BEGIN, the identity, the statement and COMMIT go
 * to Postgres as one simple query, as PostgREST pipelines them. The statement is prepared on
 * each connection the first time it runs there (so Postgres plans it once, as with pg's named
 * queries), and executed with its arguments as quoted literals: a simple query takes no
 * parameters. Returns the statement's rows.
 */
export async function readAs<R extends pg.QueryResultRow>(
	pool: pg.Pool,
	actor: Actor,
	statement: PreparedRead,
	args: string[]
): Promise<R[]> {
	const identity = actAsStatement(actor);
	const client = await pool.connect();
	const prepared = preparedOn.get(client) ?? new Set<string>();
	const isPrepared = prepared.has(statement.name);
	const literal = pg.escapeLiteral;
	const sql = [
		'begin',
		isPrepared
			? ''
			: `prepare ${statement.name}(${statement.types.join(', ')}) as ${statement.text}`,
		identity,
		`execute ${statement.name}(${args.map(literal).join(', ')})`,
		'commit'
	]
		.filter(Boolean)
		.join(';\n');
	try {
		const results = (await client.query(sql)) as unknown as pg.QueryResult<R>[];
		prepared.add(statement.name);
		preparedOn.set(client, prepared);
		client.release();
		return results.at(-2)!.rows;
	} catch (error) {
		// Whatever state the failed string left (an aborted transaction, a half-made PREPARE),
		// this connection is not reused.
		client.release(true);
		throw dataRefusal(error) ?? error;
	}
}

/** A transaction with no identity: sees nothing tenant-owned; for the narrow definer functions. */
export function withAnonymous<T>(pool: pg.Pool, work: (tx: Tx) => Promise<T>): Promise<T> {
	return transaction(pool, 'begin', work);
}

/**
 * A policy's refusal (Postgres insufficient_privilege, 42501) as Forbidden, or null for any
 * other error: the database's wall held where the service's own check let the call through, so
 * the caller hears "forbidden" instead of a crash.
 */
export function policyRefusal(
	error: unknown,
	message: string,
	options: Omit<AppErrorOptions, 'cause'> = {}
): AppError | null {
	if ((error as { code?: unknown } | null)?.code !== '42501') return null;
	return new AppError(AppErrorCode.Forbidden, message, { ...options, cause: error });
}

/**
 * Postgres data exceptions (SQLSTATE class 22: a NUL in text, a lone surrogate in jsonb, a
 * number out of range) as InvalidInput, or null for any other error. The edges refuse such
 * input first, naming the field; this is the safety net for a path that missed it, so the
 * caller hears 400 and the transaction has rolled back, instead of a 500. It is logged, since
 * it means an edge check is missing.
 */
export function dataRefusal(error: unknown): AppError | null {
	const code = (error as { code?: unknown } | null)?.code;
	if (typeof code !== 'string' || !/^22[0-9A-Z]{3}$/.test(code)) return null;
	const detail = (error as { message?: unknown }).message;
	console.warn(`A data exception reached the database (${code}): ${String(detail)}`);
	return new AppError(AppErrorCode.InvalidInput, 'body: holds a value that cannot be stored', {
		field: 'body',
		details: { sqlstate: code },
		cause: error
	});
}
