// Record use cases: read, query, create, update and delete, singly or in bulk, each through
// the one write path.
import { isUuid } from '$lib/domain/ids';
import type { SpaceAccess } from '$lib/domain/schema';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import { MAX_PAGE_SIZE, type FilterNode, type RecordQuery } from '$lib/domain/query/ast';
import { kindOf } from '$lib/domain/attributes';
import { checkQueryFields } from '$lib/domain/query/validate';
import type { Actor } from '../../auth/actor';
import type { AppContext } from '../../context';
import { withActor } from '../../db';
import { compileCount, compileMatch, compilePage, encodeCursor } from '../../query/compile';
import { findEntityType, loadEntityTypes } from '../schema';
import { inSpace, writeInSpace } from '../scope';
import { loadRecords, readRecordHome, type FlatRecord } from './read';
import { writeRecords, type ValueInput } from './write';

export type { FlatRecord } from './read';

interface InType {
	context: AppContext;
	actor: Actor;
	space: string;
	type: string;
}

/**
 * Operands are parsed by their kind before they reach SQL, so a data error from Postgres here
 * means a cursor whose values do not fit the sort (hand-made or from another query).
 */
function rejectBadCursor(error: unknown): never {
	if (/^22/.test(String((error as { code?: unknown } | null)?.code ?? ''))) {
		throw new AppError(AppErrorCode.InvalidFilter, 'The page cursor is not valid for this query', {
			field: 'cursor',
			cause: error
		});
	}
	throw error;
}

/** The space and type of a record the caller can see, for the id-only endpoints. */
export async function findRecordHome(options: {
	context: AppContext;
	actor: Actor;
	id: string;
}): Promise<{ spaceId: string; typeId: string }> {
	const { context, actor, id } = options;
	const notFound = () =>
		new AppError(AppErrorCode.NotFound, `Record ${id} not found`, { field: 'id' });
	if (!isUuid(id)) throw notFound();
	const home = await withActor(context.db.runtime, actor, (tx) => readRecordHome(tx, id));
	if (!home) throw notFound();
	return { spaceId: home.spaceId, typeId: home.entityTypeId };
}

/** One record by id, wherever the caller can see it: GET /api/data/entity/[id]. One transaction. */
export async function getRecord(options: {
	context: AppContext;
	actor: Actor;
	id: string;
}): Promise<FlatRecord> {
	const { context, actor, id } = options;
	const notFound = () =>
		new AppError(AppErrorCode.NotFound, `Record ${id} not found`, { field: 'id' });
	if (!isUuid(id)) throw notFound();
	return withActor(context.db.runtime, actor, async (tx) => {
		// The record's space and the caller's role in it, in one round trip.
		const { rows } = await tx.query<SpaceAccess & { entityTypeId: string }>(
			`select s.id, s.slug, s.name, m.role, s.schema_version::int as "schemaVersion",
	                      s.locale, s.week_start as "weekStart",
			        e.entity_type_id as "entityTypeId"
			   from entities e
			   join spaces s on s.id = e.space_id
			   join app_memberships() m on m.space_id = s.id
			  where e.id = $1`,
			[id]
		);
		if (!rows[0]) throw notFound();
		const { entityTypeId, ...space } = rows[0];
		const types = await loadEntityTypes({ tx, space, cache: context.kv.cache });
		const type = findEntityType(types, entityTypeId);
		const [record] = await loadRecords({ tx, spaceId: space.id, type, ids: [id] });
		if (!record) throw notFound();
		return record;
	});
}

export interface RecordPage {
	records: FlatRecord[];
	total?: number;
	nextCursor?: string;
}

export async function queryRecords(
	options: InType & { query: RecordQuery; count?: boolean }
): Promise<RecordPage> {
	const { context, actor, query } = options;
	return inSpace(context, actor, options.space, async ({ tx, space, types }) => {
		const type = findEntityType(types, options.type);
		checkQueryFields(query, new Set(['id', ...type.attributes.map((attribute) => attribute.key)]));
		const searchAttributeIds = type.attributes
			.filter((attribute) => kindOf(attribute.kind).isSearchable)
			.map((attribute) => attribute.id);
		const page = compilePage({ spaceId: space.id, type, query, searchAttributeIds });
		const rows: { id: string; [key: string]: string | null }[] = [];
		for (const phase of page.phases) {
			if (rows.length >= page.limit) break;
			const result = await tx.query(phase.sql, phase.params).catch(rejectBadCursor);
			rows.push(...result.rows.slice(0, page.limit - rows.length));
		}
		const records = await loadRecords({
			tx,
			spaceId: space.id,
			type,
			ids: rows.map((row) => row.id),
			select: query.select
		});
		const last = rows.at(-1);
		const nextCursor =
			last && rows.length === page.limit
				? encodeCursor({
						values: page.sortFields.map((_, index) => last[`k${index}`] ?? null),
						id: last.id
					})
				: undefined;
		let total: number | undefined;
		if (options.count) {
			const count = compileCount({ spaceId: space.id, type, query, searchAttributeIds });
			total = (await tx.query<{ count: number }>(count.sql, count.params)).rows[0]!.count;
		}
		return { records, total, nextCursor };
	});
}

export function createRecords(options: InType & { values: ValueInput[]; isText?: boolean }) {
	return writeInSpace(options.context, options.actor, options.space, (scope) =>
		writeRecords({
			...scope,
			type: findEntityType(scope.types, options.type),
			creates: options.values,
			isText: options.isText
		})
	);
}

export function updateRecords(
	options: InType & { updates: { id: string; values: ValueInput }[]; isText?: boolean }
) {
	return writeInSpace(options.context, options.actor, options.space, (scope) =>
		writeRecords({
			...scope,
			type: findEntityType(scope.types, options.type),
			updates: options.updates,
			isText: options.isText
		})
	);
}

export function deleteRecords(options: InType & { ids: string[] }) {
	return writeInSpace(options.context, options.actor, options.space, (scope) =>
		writeRecords({
			...scope,
			type: findEntityType(scope.types, options.type),
			deletes: options.ids
		})
	);
}

/** PATCH or DELETE every record a filter matches (PostgREST's bulk forms), capped per call. */
export function writeWhere(
	options: InType & { filter?: FilterNode; values?: ValueInput; isDelete?: boolean; limit?: number }
) {
	return writeInSpace(options.context, options.actor, options.space, async (scope) => {
		const type = findEntityType(scope.types, options.type);
		const limit = options.limit ?? MAX_PAGE_SIZE;
		const match = compileMatch({
			spaceId: scope.space.id,
			type,
			filter: options.filter,
			limit: limit + 1
		});
		const ids = (await scope.tx.query<{ id: string }>(match.sql, match.params)).rows.map(
			(row) => row.id
		);
		if (ids.length > limit) {
			throw new AppError(
				AppErrorCode.LimitExceeded,
				`The filter matches more than ${limit} records; narrow it or write in pages`,
				{ field: 'limit' }
			);
		}
		return writeRecords(
			options.isDelete
				? { ...scope, type, deletes: ids }
				: { ...scope, type, updates: ids.map((id) => ({ id, values: options.values ?? {} })) }
		);
	});
}
