// Entity types (sheets): create, rename, delete. Editors and owners manage the schema.
import { z } from 'zod';
import type { EntityType } from '$lib/domain/schema';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import { canManageSchema } from '$lib/domain/roles';
import type { Actor } from '../auth/actor';
import type { AppContext } from '../context';
import { sendSignal } from '../signals';
import { auditSchema } from './schema-audit';
import { findEntityType, bumpSchemaVersion } from './schema';
import { inSpace, requireScope, type SpaceScope } from './scope';
import { parseInput } from './validate';

export const keySchema = z
	.string()
	.regex(
		/^[a-z][a-z0-9_]{0,62}$/,
		'must start with a letter and use only a-z, 0-9 and _ (at most 63)'
	);
export const nameSchema = z
	.string()
	.trim()
	.min(1, 'must not be empty')
	.max(200, 'must be at most 200 characters');

/** Every change of types and fields asks here: the caller's role, and a token's `schema` scope. */
export function requireSchemaRole(scope: SpaceScope): void {
	requireScope(scope.actor, 'schema');
	if (!canManageSchema(scope.space.role)) {
		throw new AppError(
			AppErrorCode.Forbidden,
			`Your role (${scope.space.role}) may not change the schema`
		);
	}
}

/** Turns a display name into a key: "Ticket Type" -> "ticket_type". */
export function keyFromName(name: string): string {
	const key = name
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '_')
		.replace(/^_+|_+$/g, '')
		.slice(0, 63);
	return /^[a-z]/.test(key) ? key : `f_${key}`.slice(0, 63);
}

const createInput = z.object({ name: nameSchema, key: keySchema.optional() });

/**
 * A schema change: rate-limited, editors and owners only; it bumps the schema version and
 * signals open pages once it commits.
 */
export async function schemaChange<T>(
	context: AppContext,
	actor: Actor,
	space: string,
	work: (scope: SpaceScope) => Promise<T>
) {
	await context.kv.writeLimiter.consume(actor.userId);
	let spaceId = '';
	const result = await inSpace(context, actor, space, async (scope) => {
		requireSchemaRole(scope);
		const result = await work(scope);
		await bumpSchemaVersion(scope.tx, scope.space.id);
		// Open pages load the schema again, each under its own access: the signal names only
		// the space, so a field hidden from a role cannot travel in it.
		await sendSignal(scope.tx, { kind: 'schema', spaceId: scope.space.id });
		spaceId = scope.space.id;
		return result;
	});
	// Field definitions (and what check-in members may read) changed for every open connection.
	context.access.publish({ spaceId });
	return result;
}

export function createEntityType(options: {
	context: AppContext;
	actor: Actor;
	space: string;
	input: unknown;
}) {
	const input = parseInput(createInput, options.input);
	return schemaChange(options.context, options.actor, options.space, async (scope) => {
		const key = input.key ?? keyFromName(input.name);
		if (scope.types.some((type) => type.key === key)) {
			throw new AppError(AppErrorCode.Conflict, `A record type with key "${key}" already exists`, {
				field: 'key'
			});
		}
		const { rows } = await scope.tx.query<{ id: string }>(
			`insert into entity_types (space_id, key, name, position)
			 values ($1, $2, $3, coalesce((select max(position) + 1 from entity_types where space_id = $1), 0)) returning id`,
			[scope.space.id, key, input.name]
		);
		await auditSchema(scope, {
			entityTypeId: rows[0]!.id,
			action: 'create_type',
			newValue: { key, name: input.name }
		});
		return { id: rows[0]!.id, key, name: input.name };
	});
}

export function renameEntityType(options: {
	context: AppContext;
	actor: Actor;
	space: string;
	type: string;
	input: unknown;
}) {
	const input = parseInput(z.object({ name: nameSchema }), options.input);
	return schemaChange(options.context, options.actor, options.space, async (scope) => {
		const type: EntityType = findEntityType(scope.types, options.type);
		await scope.tx.query('update entity_types set name = $2 where id = $1', [type.id, input.name]);
		await auditSchema(scope, {
			entityTypeId: type.id,
			action: 'rename_type',
			oldValue: type.name,
			newValue: input.name
		});
		return { id: type.id, key: type.key, name: input.name };
	});
}

export function deleteEntityType(options: {
	context: AppContext;
	actor: Actor;
	space: string;
	type: string;
}) {
	return schemaChange(options.context, options.actor, options.space, async (scope) => {
		const type = findEntityType(scope.types, options.type);
		// Relation fields elsewhere that point here would dangle: remove them with the type.
		await scope.tx.query(
			`delete from attributes where space_id = $1 and kind = 'relation' and options ->> 'targetEntityTypeId' = $2`,
			[scope.space.id, type.id]
		);
		await scope.tx.query('delete from entity_types where id = $1', [type.id]);
		await auditSchema(scope, {
			entityTypeId: null,
			action: 'delete_type',
			oldValue: { id: type.id, key: type.key, name: type.name }
		});
		return { id: type.id };
	});
}
