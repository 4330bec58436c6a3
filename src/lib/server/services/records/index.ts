// Record use cases: read, query, create, update and delete, singly or in bulk, each through
// the one write path.
import { isUuid } from '$lib/domain/ids';
import type { EntityType, SpaceAccess } from '$lib/domain/schema';
import { PostgrestFailure, singularError } from '$lib/domain/query/postgrest';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import { MAX_PAGE_SIZE, type FilterNode, type RecordQuery } from '$lib/domain/query/ast';
import { kindOf } from '$lib/domain/attributes';
import { checkQueryFields } from '$lib/domain/query/validate';
import type { Actor } from '../../auth/actor';
import type { AppContext } from '../../context';
import { readAs, withActor, type Tx } from '../../db';
import { resolveMergedId } from '../merge/read-merges';
import { storageColumnTypes } from '../../query/sql';
import { compileCount, compileMatch, encodeCursor } from '../../query/compile';
import {
	fieldsToLoad,
	innerFilters,
	loadEmbeds,
	matchingIds,
	rejectQueryError,
	resolveEmbeds,
	type Embedded
} from './embed';
import { cachedEntityTypes, findEntityType, loadEntityTypes } from '../schema';
import { inSpace, writeInSpace } from '../scope';
import {
	assembleRecord,
	loadRecords,
	readRecordHome,
	readRecordStatement,
	recordRowValues,
	type FlatRecord,
	type RecordRow
} from './read';
import { writeRecords, type ValueInput } from './write';
import { warnPossibleDuplicates } from '../matching/on-write';

export type { FlatRecord } from './read';

interface InType {
	context: AppContext;
	actor: Actor;
	space: string;
	type: string;
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

/**
 * One record by id, in whichever of the caller's spaces holds it: one statement in one round
 * trip (readAs); the schema comes from the caches, and only when neither has it, from a second
 * transaction.
 */
async function readRecordById(
	context: AppContext,
	actor: Actor,
	id: string
): Promise<FlatRecord | undefined> {
	const [row] = await readAs<RecordRow>(context.db.runtime, actor, readRecordStatement, [id]);
	if (!row) return undefined;
	const space: SpaceAccess = {
		id: row.space_id,
		slug: row.slug,
		name: row.name,
		role: row.role,
		schemaVersion: row.schema_version,
		locale: row.locale,
		weekStart: row.week_start
	};
	const types =
		(await cachedEntityTypes(space, context.kv.cache)) ??
		(await withActor(context.db.runtime, actor, (tx) =>
			loadEntityTypes({ tx, space, cache: context.kv.cache })
		));
	const type = findEntityType(types, row.entity_type_id);
	return assembleRecord(type, type.attributes, row, recordRowValues(row));
}

/**
 * One record by id, wherever the caller can see it: GET /api/data/entity/[id].
 * An id merged away answers with its survivor, whose `merged_into` names it.
 */
export async function getRecord(options: {
	context: AppContext;
	actor: Actor;
	id: string;
}): Promise<FlatRecord> {
	const { context, actor, id } = options;
	const notFound = () =>
		new AppError(AppErrorCode.NotFound, `Record ${id} not found`, { field: 'id' });
	if (!isUuid(id)) throw notFound();
	const record = await readRecordById(context, actor, id);
	if (record) return record;
	const moved = await withActor(context.db.runtime, actor, (tx) => resolveMergedId(tx, id));
	const survivor = moved && (await readRecordById(context, actor, moved.survivorId));
	if (!survivor) throw notFound();
	return { ...survivor, merged_into: survivor.id };
}

export interface RecordPage {
	records: FlatRecord[];
	total?: number;
	nextCursor?: string;
	/** The embeds of `query.shape`, by record (at every level). */
	embedded?: Embedded;
}

export async function queryRecords(
	options: InType & { query: RecordQuery; count?: boolean }
): Promise<RecordPage> {
	const { context, actor, query } = options;
	return inSpace(context, actor, options.space, async ({ tx, space, types }) => {
		const type = findEntityType(types, options.type);
		checkQueryFields(query, new Set(['id', ...type.attributes.map((attribute) => attribute.key)]));
		const embeds = resolveEmbeds(types, type, query.shape);
		const related = innerFilters(embeds);
		const searchAttributeIds = type.attributes
			.filter((attribute) => kindOf(attribute.kind).isSearchable)
			.map((attribute) => attribute.id);
		const { rows, page } = await matchingIds({
			tx,
			spaceId: space.id,
			type,
			query,
			related,
			searchAttributeIds
		});
		const records = await loadRecords({
			tx,
			spaceId: space.id,
			type,
			ids: rows.map((row) => row.id),
			select: fieldsToLoad(query.select, embeds)
		});
		const embedded: Embedded | undefined = embeds.length ? new WeakMap() : undefined;
		if (embedded) await loadEmbeds({ tx, spaceId: space.id, records, embeds, embedded });
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
			const count = compileCount({
				spaceId: space.id,
				type,
				query,
				searchAttributeIds,
				related
			});
			total = (await tx.query<{ count: number }>(count.sql, count.params).catch(rejectQueryError))
				.rows[0]!.count;
		}
		return { records, total, nextCursor, embedded };
	});
}

export function createRecords(options: InType & { values: ValueInput[]; isText?: boolean }) {
	return writeInSpace(options.context, options.actor, options.space, async (scope) => {
		const type = findEntityType(scope.types, options.type);
		const result = await writeRecords({
			...scope,
			type,
			creates: options.values,
			isText: options.isText
		});
		const ids = result.created.map((record) => record.id);
		return { ...result, possibleDuplicates: await warnPossibleDuplicates(scope, type, ids) };
	});
}

export function updateRecords(
	options: InType & { updates: { id: string; values: ValueInput }[]; isText?: boolean }
) {
	return writeInSpace(options.context, options.actor, options.space, async (scope) => {
		const type = findEntityType(scope.types, options.type);
		const result = await writeRecords({
			...scope,
			type,
			updates: options.updates,
			isText: options.isText
		});
		const ids = result.updated.map((record) => record.id);
		const touched = new Set(options.updates.flatMap((update) => Object.keys(update.values)));
		return {
			...result,
			possibleDuplicates: await warnPossibleDuplicates(scope, type, ids, touched)
		};
	});
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
	options: InType & {
		filter?: FilterNode;
		values?: ValueInput;
		isDelete?: boolean;
		limit?: number;
		/** A singular request (PostgREST's object media type): exactly one match, or nothing is written. */
		isSingular?: boolean;
	}
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
		const ids = (
			await scope.tx.query<{ id: string }>(match.sql, match.params).catch(rejectQueryError)
		).rows.map((row) => row.id);
		if (options.isSingular && ids.length !== 1) throw singularError(ids.length);
		if (ids.length > limit) {
			throw new AppError(
				AppErrorCode.LimitExceeded,
				`The filter matches more than ${limit} records; narrow it or write in pages`,
				{ field: 'limit' }
			);
		}
		if (options.isDelete) {
			return { ...(await writeRecords({ ...scope, type, deletes: ids })), possibleDuplicates: [] };
		}
		const updates = ids.map((id) => ({ id, values: options.values ?? {} }));
		const result = await writeRecords({ ...scope, type, updates });
		const touched = new Set(Object.keys(options.values ?? {}));
		return {
			...result,
			possibleDuplicates: await warnPossibleDuplicates(scope, type, ids, touched)
		};
	});
}

/**
 * PostgREST's upsert: each record whose `onConflict` field (a unique field, or `id`) matches an
 * existing record updates it (`merge-duplicates`) or is skipped (`ignore-duplicates`); the others
 * are created. One transaction, through the one write path; concurrent upserts on the field
 * wait for each other, as the unique check does.
 */
export function upsertRecords(
	options: InType & {
		values: ValueInput[];
		onConflict: string;
		resolution: 'merge-duplicates' | 'ignore-duplicates';
		isText?: boolean;
	}
) {
	return writeInSpace(options.context, options.actor, options.space, async (scope) => {
		const type = findEntityType(scope.types, options.type);
		const existing = await findExisting({ ...options, ...scope, type });
		const creates: ValueInput[] = [];
		const updates: { id: string; values: ValueInput }[] = [];
		options.values.forEach((values, row) => {
			const id = existing.get(row);
			if (!id) creates.push(values);
			else if (options.resolution === 'merge-duplicates') updates.push({ id, values });
		});
		const result = await writeRecords({ ...scope, type, creates, updates, isText: options.isText });
		const ids = [...result.created, ...result.updated].map((record) => record.id);
		return { ...result, possibleDuplicates: await warnPossibleDuplicates(scope, type, ids) };
	});
}

/** Which incoming rows name an existing record by `onConflict`: row index to record id. */
async function findExisting(options: {
	tx: Tx;
	space: SpaceAccess;
	type: EntityType;
	values: ValueInput[];
	onConflict: string;
	isText?: boolean;
}): Promise<Map<number, string>> {
	const { tx, space, type, onConflict } = options;
	const found = new Map<number, string>();
	if (onConflict === 'id') {
		const ids = options.values.map((values) => (values as { id?: unknown }).id);
		const { rows } = await tx.query<{ id: string }>(
			'select id from entities where space_id = $1 and entity_type_id = $2 and id = any ($3::uuid[])',
			[space.id, type.id, ids.filter((id): id is string => typeof id === 'string' && isUuid(id))]
		);
		const known = new Set(rows.map((row) => row.id));
		ids.forEach((id, row) => {
			if (typeof id === 'string' && known.has(id.toLowerCase())) found.set(row, id.toLowerCase());
		});
		return found;
	}
	const attribute = type.attributes.find((candidate) => candidate.key === onConflict);
	if (!attribute?.isUnique) {
		throw new PostgrestFailure(
			'42P10',
			AppErrorCode.InvalidInput,
			`"${onConflict}" is not a unique field of "${type.key}", so it cannot decide a conflict`,
			{ field: 'on_conflict', hint: 'Name a field marked unique, or id' }
		);
	}
	const kind = kindOf(attribute.kind);
	const settings = kind.optionsSchema.parse(attribute.options ?? {});
	const stored = options.values.map((values) => {
		const raw = (values as Record<string, unknown>)[onConflict];
		if (raw === undefined || raw === null) return null;
		const parsed =
			options.isText && typeof raw === 'string'
				? kind.parse(raw, settings)
				: kind.validate(raw as never, settings);
		return parsed.ok && parsed.value !== null ? kind.toStorage(parsed.value as never) : null;
	});
	const column = kind.storage!;
	await tx.query('select pg_advisory_xact_lock(hashtext($1))', [attribute.id]);
	const { rows } = await tx.query<{ ord: number; entity_id: string }>(
		`select c.ord::int as ord, v.entity_id
		   from unnest($3::${storageColumnTypes[column]}[]) with ordinality as c (value, ord)
		   join eav_values v on v.space_id = $1 and v.attribute_id = $2 and v.${column} = c.value`,
		[space.id, attribute.id, stored]
	);
	for (const row of rows) found.set(row.ord - 1, row.entity_id);
	return found;
}
