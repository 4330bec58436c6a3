// Saved views of a sheet: filters, sorts, grouping, hidden fields and widths, shared with the
// space. Readers list them; owners and editors create, change and delete them. The `views`
// policies refuse the same writes again if this check is ever bypassed.
import { z } from 'zod';
import { isUuid } from '$lib/domain/ids';
import type { EntityType } from '$lib/domain/schema';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import { canReadAll, canWriteRecords } from '$lib/domain/roles';
import { pruneViewConfig, viewConfigSchema } from '$lib/domain/view-config';
import type { SavedView, ViewConfig } from '$lib/domain/views';
import type { Actor } from '../auth/actor';
import type { AppContext } from '../context';
import { findEntityType } from './schema';
import { inSpace, requireScope, type SpaceScope } from './scope';
import { parseInput } from './validate';

interface OnType {
	context: AppContext;
	actor: Actor;
	space: string;
	/** Entity type key or id. */
	type: string;
}

const nameSchema = z
	.string({ error: 'must be text' })
	.trim()
	.min(1, 'must not be empty')
	.max(100, 'must be at most 100 characters');
const positionSchema = z
	.number({ error: 'must be a number' })
	.int('must be a whole number')
	.min(0, 'must be 0 or more')
	.max(1_000_000, 'must be at most 1000000');

const createInput = z.strictObject({
	name: nameSchema,
	kind: z.enum(['grid', 'board'], { error: 'must be grid or board' }).default('grid'),
	config: z.unknown().default({}),
	position: positionSchema.optional()
});

const updateInput = z
	.strictObject({
		name: nameSchema.optional(),
		config: z.unknown().optional(),
		position: positionSchema.optional()
	})
	.refine((input) => Object.values(input).some((value) => value !== undefined), {
		message: 'must change name, config or position'
	});

interface ViewRow {
	id: string;
	entity_type_id: string;
	name: string;
	kind: 'grid' | 'board';
	config: ViewConfig;
	position: number;
	created_by: string | null;
	updated_at: Date;
}

const columns = 'id, entity_type_id, name, kind, config, position, created_by, updated_at';

function toSavedView(row: ViewRow, type: EntityType): SavedView {
	return {
		id: row.id,
		entityTypeId: row.entity_type_id,
		name: row.name,
		kind: row.kind,
		config: pruneViewConfig(row.config, type),
		position: row.position,
		createdBy: row.created_by,
		updatedAt: row.updated_at.toISOString()
	};
}

function requireReader(scope: SpaceScope): void {
	if (!canReadAll(scope.space.role)) {
		throw new AppError(AppErrorCode.Forbidden, `Your role (${scope.space.role}) has no views`);
	}
}

function requireWriter(scope: SpaceScope): void {
	if (!canWriteRecords(scope.space.role)) {
		throw new AppError(
			AppErrorCode.Forbidden,
			`Your role (${scope.space.role}) may not change saved views`
		);
	}
}

function checkedConfig(type: EntityType, config: unknown): ViewConfig {
	return parseInput(z.object({ config: viewConfigSchema(type) }), { config }).config;
}

/** A duplicate name hits the (entity_type_id, name) unique index; say which field. */
async function namingUniquely<T>(name: string | undefined, work: () => Promise<T>): Promise<T> {
	try {
		return await work();
	} catch (error) {
		if ((error as { code?: unknown }).code === '23505') {
			throw new AppError(AppErrorCode.Conflict, `A view named "${name}" already exists`, {
				field: 'name'
			});
		}
		throw error;
	}
}

function notFound(view: string): AppError {
	return new AppError(AppErrorCode.NotFound, `View "${view}" not found`, { field: 'view' });
}

/**
 * A write: rate-limited like every other write of the user. A saved view is structure, not
 * record data: a token needs the `schema` scope.
 */
async function writeView<T>(
	options: OnType,
	work: (scope: SpaceScope, type: EntityType) => Promise<T>
): Promise<T> {
	requireScope(options.actor, 'schema');
	await options.context.kv.writeLimiter.consume(options.actor.userId);
	return inSpace(options.context, options.actor, options.space, (scope) => {
		requireWriter(scope);
		return work(scope, findEntityType(scope.types, options.type));
	});
}

export function listViews(options: OnType): Promise<SavedView[]> {
	return inSpace(options.context, options.actor, options.space, async (scope) => {
		requireReader(scope);
		const type = findEntityType(scope.types, options.type);
		const { rows } = await scope.tx.query<ViewRow>(
			`select ${columns} from views where space_id = $1 and entity_type_id = $2
			  order by position, created_at`,
			[scope.space.id, type.id]
		);
		return rows.map((row) => toSavedView(row, type));
	});
}

export function createView(options: OnType & { input: unknown }): Promise<SavedView> {
	const input = parseInput(createInput, options.input);
	return writeView(options, async (scope, type) => {
		const config = checkedConfig(type, input.config);
		const { rows } = await namingUniquely(input.name, () =>
			scope.tx.query<ViewRow>(
				`insert into views (space_id, entity_type_id, name, kind, config, position, created_by)
				 values ($1, $2, $3, $4, $5, coalesce($6, (select coalesce(max(position) + 1, 0) from views
				         where space_id = $1 and entity_type_id = $2)), $7)
				 returning ${columns}`,
				[
					scope.space.id,
					type.id,
					input.name,
					input.kind,
					JSON.stringify(config),
					input.position ?? null,
					scope.actor.userId
				]
			)
		);
		return toSavedView(rows[0]!, type);
	});
}

export function updateView(options: OnType & { view: string; input: unknown }): Promise<SavedView> {
	const input = parseInput(updateInput, options.input);
	if (!isUuid(options.view)) throw notFound(options.view);
	return writeView(options, async (scope, type) => {
		const config = input.config === undefined ? null : checkedConfig(type, input.config);
		const { rows } = await namingUniquely(input.name, () =>
			scope.tx.query<ViewRow>(
				`update views set name = coalesce($4, name), config = coalesce($5, config),
				        position = coalesce($6, position), updated_at = now()
				  where id = $1 and space_id = $2 and entity_type_id = $3
				 returning ${columns}`,
				[
					options.view,
					scope.space.id,
					type.id,
					input.name ?? null,
					config && JSON.stringify(config),
					input.position ?? null
				]
			)
		);
		if (!rows[0]) throw notFound(options.view);
		return toSavedView(rows[0], type);
	});
}

export function deleteView(options: OnType & { view: string }): Promise<{ id: string }> {
	if (!isUuid(options.view)) throw notFound(options.view);
	return writeView(options, async (scope, type) => {
		const { rows } = await scope.tx.query<{ id: string }>(
			'delete from views where id = $1 and space_id = $2 and entity_type_id = $3 returning id',
			[options.view, scope.space.id, type.id]
		);
		if (!rows[0]) throw notFound(options.view);
		return { id: rows[0].id };
	});
}
