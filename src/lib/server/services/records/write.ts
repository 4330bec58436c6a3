// The one write path for record values. Grid edits, kanban moves, REST calls, imports and
// check-ins all end here: validate by attribute kind, check the role, check what only the
// database knows (members, unique values, link targets), persist values, bump
// the record, write the audit rows, and hand back the changes to broadcast after commit.
import { randomUUID } from 'node:crypto';
import { checkinStamp, checkinTrio } from '$lib/domain/checkin';
import { isUuid } from '$lib/domain/ids';
import type { RecordChange } from '$lib/domain/record-change';
import type { Attribute, EntityType, SpaceAccess } from '$lib/domain/schema';
import { kindOf } from '$lib/domain/attributes';
import type { CellValue, StorageColumn } from '$lib/domain/attributes/kind';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import { canWriteRecords } from '$lib/domain/roles';
import type { Actor } from '../../auth/actor';
import type { Tx } from '../../db';
import { storageColumns, storageColumnTypes } from '../../query/sql';
import { syncDocsToValues } from './docs';
import { loadRecords, readStored, type FlatRecord } from './read';

export type ValueInput = Record<string, unknown>;

export interface WriteRequest {
	tx: Tx;
	actor: Actor;
	space: SpaceAccess;
	type: EntityType;
	/** All entity types of the space, to check relation targets. */
	types: EntityType[];
	creates?: ValueInput[];
	updates?: { id: string; values: ValueInput }[];
	deletes?: string[];
	/** Values are text (paste, CSV) and go through the kind's `parse` instead of `validate`. */
	isText?: boolean;
	/**
	 * Bring stored Yjs docs of updated records along (default). The realtime engine turns it
	 * off: it merges the doc itself, since the edit came as a Yjs update.
	 */
	syncDocs?: boolean;
	/**
	 * Read the updated records back for `updated` (default). The realtime engine needs only
	 * the changes, and saves the two queries on every edit.
	 */
	returnUpdated?: boolean;
}

export interface WriteResult {
	created: FlatRecord[];
	updated: FlatRecord[];
	deleted: FlatRecord[];
	changes: RecordChange[];
}

const MAX_TEXT_VALUE_BYTES = 1_000_000;

export interface NormalizedValue {
	attribute: Attribute;
	value: CellValue;
}

function invalid(attribute: Attribute, message: string, row?: number): AppError {
	return new AppError(AppErrorCode.InvalidValue, `${attribute.name}: ${message}`, {
		field: attribute.key,
		details: row === undefined ? undefined : { row }
	});
}

/**
 * Checks values against their fields: known, writable by the caller's role, valid for the kind.
 * Returns their normal form; throws an AppError naming the first bad field.
 */
export function normalizeValues(
	// The locale reads text values (isText: imports, CSV); JSON values need none.
	request: Pick<WriteRequest, 'type' | 'isText'> & {
		space: Pick<SpaceAccess, 'role'> & Partial<Pick<SpaceAccess, 'locale'>>;
	},
	input: ValueInput,
	row: number | undefined
): NormalizedValue[] {
	if (typeof input !== 'object' || input === null || Array.isArray(input)) {
		throw new AppError(
			AppErrorCode.InvalidInput,
			'A record must be a JSON object of field values',
			{
				field: 'body',
				details: row === undefined ? undefined : { row }
			}
		);
	}
	const { type, space } = request;
	const normalized: NormalizedValue[] = [];
	for (const [key, raw] of Object.entries(input)) {
		if (key === 'id' || key === 'type') continue;
		const attribute = type.attributes.find((candidate) => candidate.key === key);
		if (!attribute) {
			throw new AppError(AppErrorCode.UnknownAttribute, `"${type.key}" has no field "${key}"`, {
				field: key,
				details: row === undefined ? undefined : { row }
			});
		}
		// The policy refuses these too; saying so here names the field instead of failing the
		// whole statement.
		const mayWrite =
			canWriteRecords(space.role) ||
			(space.role === 'checkin' && attribute.checkinAccess === 'write');
		if (!mayWrite) {
			throw new AppError(
				AppErrorCode.Forbidden,
				`Your role (${space.role}) may not change "${attribute.name}"`,
				{
					field: key
				}
			);
		}
		const kind = kindOf(attribute.kind);
		if (!kind.storage) throw invalid(attribute, 'is computed and cannot be written', row);
		const options = kind.optionsSchema.parse(attribute.options ?? {});
		if (typeof raw === 'string' && raw.length > MAX_TEXT_VALUE_BYTES) {
			throw new AppError(AppErrorCode.TooLarge, `${attribute.name}: the value is over 1 MB`, {
				field: key
			});
		}
		const result =
			request.isText && typeof raw === 'string'
				? kind.parse(raw, options, space.locale)
				: kind.validate(raw, options);
		if (!result.ok) throw invalid(attribute, result.message, row);
		// Postgres text and jsonb cannot hold U+0000; say so here instead of failing the write.
		if (hasNul(result.value)) throw invalid(attribute, 'contains a NUL character', row);
		if (result.value === null && attribute.isRequired) throw invalid(attribute, 'is required', row);
		normalized.push({ attribute, value: result.value });
	}
	return normalized;
}

function hasNul(value: unknown): boolean {
	if (typeof value === 'string') return value.includes('\u0000');
	if (value === null || typeof value !== 'object') return false;
	return JSON.stringify(value).includes('\\u0000');
}

function requireMissing(type: EntityType, values: NormalizedValue[], row: number): void {
	for (const attribute of type.attributes) {
		if (!attribute.isRequired || kindOf(attribute.kind).entityColumn) continue;
		const given = values.find((value) => value.attribute.id === attribute.id);
		if (!given || given.value === null) throw invalid(attribute, 'is required', row);
	}
}

interface ValueWrite {
	entityId: string;
	attribute: Attribute;
	value: CellValue;
}

async function persistValues(
	tx: Tx,
	spaceId: string,
	writes: ValueWrite[],
	createdIds: Set<string>
): Promise<void> {
	const upserts = writes.filter((write) => write.value !== null);
	// A new record has no stored values to clear.
	const clears = writes.filter((write) => write.value === null && !createdIds.has(write.entityId));
	if (upserts.length) {
		const columns: Record<StorageColumn, unknown[]> = {
			value_text: [],
			value_num: [],
			value_time: [],
			value_bool: [],
			value_json: []
		};
		for (const write of upserts) {
			const kind = kindOf(write.attribute.kind);
			const stored = kind.toStorage(write.value as never);
			for (const column of storageColumns) {
				columns[column].push(column === kind.storage ? stored : null);
			}
		}
		await tx.query(
			`insert into eav_values (entity_id, attribute_id, space_id, value_text, value_num, value_time, value_bool, value_json)
			 select entity_id, attribute_id, $3, value_text, value_num, value_time, value_bool, value_json
			   from unnest($1::uuid[], $2::uuid[], $4::text[], $5::numeric[], $6::timestamptz[], $7::boolean[], $8::jsonb[])
			     as v (entity_id, attribute_id, value_text, value_num, value_time, value_bool, value_json)
			 on conflict (entity_id, attribute_id) do update set
			   value_text = excluded.value_text, value_num = excluded.value_num, value_time = excluded.value_time,
			   value_bool = excluded.value_bool, value_json = excluded.value_json, value_unconverted = null`,
			[
				upserts.map((write) => write.entityId),
				upserts.map((write) => write.attribute.id),
				spaceId,
				columns.value_text,
				columns.value_num,
				columns.value_time,
				columns.value_bool,
				columns.value_json
			]
		);
	}
	if (clears.length) {
		await tx.query(
			`delete from eav_values v using unnest($1::uuid[], $2::uuid[]) as c (entity_id, attribute_id)
			  where v.entity_id = c.entity_id and v.attribute_id = c.attribute_id and v.space_id = $3`,
			[clears.map((write) => write.entityId), clears.map((write) => write.attribute.id), spaceId]
		);
	}
}

/**
 * Unique fields: serialize writers of the attribute, then look, in one query per attribute, for
 * other records that already hold any of the values written.
 */
async function checkUnique(tx: Tx, spaceId: string, writes: ValueWrite[]): Promise<void> {
	const unique = writes.filter((write) => write.attribute.isUnique && write.value !== null);
	if (!unique.length) return;
	const byAttribute = new Map<string, ValueWrite[]>();
	for (const write of unique)
		byAttribute.set(write.attribute.id, [...(byAttribute.get(write.attribute.id) ?? []), write]);
	const describe = (write: ValueWrite) =>
		kindOf(write.attribute.kind).format(write.value as never, write.attribute.options);

	for (const id of [...byAttribute.keys()].sort())
		await tx.query('select pg_advisory_xact_lock(hashtext($1))', [id]);
	for (const [id, group] of byAttribute) {
		const kind = kindOf(group[0]!.attribute.kind);
		const column = kind.storage!;
		const owners = new Map<string, string>();
		const stored = group.map((write) => {
			const value = kind.toStorage(write.value as never);
			const key = value instanceof Date ? value.toISOString() : String(value);
			const other = owners.get(key);
			if (other && other !== write.entityId) {
				throw invalid(
					write.attribute,
					`"${describe(write)}" is used twice in this request; the field is unique`
				);
			}
			owners.set(key, write.entityId);
			return value;
		});
		const { rows } = await tx.query<{ ord: number }>(
			`select c.ord from unnest($3::${storageColumnTypes[column]}[], $4::uuid[]) with ordinality as c (value, entity_id, ord)
			   join eav_values v on v.space_id = $1 and v.attribute_id = $2 and v.${column} = c.value
			  where v.entity_id <> c.entity_id limit 1`,
			[spaceId, id, stored, group.map((write) => write.entityId)]
		);
		if (rows[0]) {
			const write = group[rows[0].ord - 1]!;
			throw new AppError(
				AppErrorCode.Conflict,
				`${write.attribute.name}: another record already has "${describe(write)}"`,
				{
					field: write.attribute.key
				}
			);
		}
	}
}

/**
 * A user field names a member of the space: the kind knows only the id's shape, so the write
 * path asks the database, once for every user value of the batch. A member who left fails too.
 */
async function checkMembers(tx: Tx, spaceId: string, writes: ValueWrite[]): Promise<void> {
	const named = writes.filter(
		(write): write is ValueWrite & { value: string } =>
			write.attribute.kind === 'user' && typeof write.value === 'string'
	);
	if (!named.length) return;
	const { rows } = await tx.query<{ user_id: string }>(
		'select user_id from memberships where space_id = $1 and user_id = any ($2::uuid[])',
		[spaceId, [...new Set(named.map((write) => write.value))]]
	);
	const members = new Set(rows.map((row) => row.user_id));
	const outsider = named.find((write) => !members.has(write.value));
	if (outsider) {
		throw invalid(outsider.attribute, `${outsider.value} is not a member of this space`);
	}
}

/**
 * Relations are kept in both directions: the inverse field on each linked record follows.
 * Batched per relation field: one existence check, one insert and one removal.
 */
async function syncRelations(
	request: WriteRequest,
	writes: ValueWrite[],
	before: Map<string, CellValue>
): Promise<void> {
	const { tx, space, types } = request;
	const byAttribute = new Map<string, ValueWrite[]>();
	for (const write of writes) {
		if (write.attribute.kind !== 'relation') continue;
		byAttribute.set(write.attribute.id, [...(byAttribute.get(write.attribute.id) ?? []), write]);
	}
	for (const group of byAttribute.values()) {
		const attribute = group[0]!.attribute;
		const options = attribute.options as {
			targetEntityTypeId?: string;
			inverseAttributeId?: string;
		};
		const added: { source: string; target: string }[] = [];
		const removed: { source: string; target: string }[] = [];
		for (const write of group) {
			const next = (write.value as string[] | null) ?? [];
			const previous = (before.get(`${write.entityId}:${attribute.id}`) as string[] | null) ?? [];
			for (const target of next)
				if (!previous.includes(target)) added.push({ source: write.entityId, target });
			for (const target of previous)
				if (!next.includes(target)) removed.push({ source: write.entityId, target });
		}
		if (added.length) {
			const target = types.find((type) => type.id === options.targetEntityTypeId);
			if (!target) throw invalid(attribute, 'the linked record type no longer exists');
			const wanted = [...new Set(added.map((link) => link.target))];
			const found = await tx.query<{ id: string }>(
				'select id from entities where space_id = $1 and entity_type_id = $2 and id = any ($3::uuid[])',
				[space.id, target.id, wanted]
			);
			if (found.rowCount !== wanted.length) {
				const missing = wanted.filter((id) => !found.rows.some((row) => row.id === id));
				throw invalid(attribute, `no ${target.name} record with id ${missing.join(', ')}`);
			}
		}
		const inverse = options.inverseAttributeId;
		if (!inverse) continue;
		if (added.length) {
			await tx.query(
				`insert into eav_values (entity_id, attribute_id, space_id, value_json)
				 select target, $3, $4, jsonb_agg(to_jsonb(source::text) order by ord)
				   from unnest($1::uuid[], $2::uuid[]) with ordinality as l (target, source, ord) group by target
				 on conflict (entity_id, attribute_id) do update set value_json =
				   coalesce(eav_values.value_json, '[]'::jsonb) || (
				     select coalesce(jsonb_agg(item), '[]'::jsonb) from jsonb_array_elements(excluded.value_json) item
				      where not coalesce(eav_values.value_json, '[]'::jsonb) @> jsonb_build_array(item))`,
				[added.map((link) => link.target), added.map((link) => link.source), inverse, space.id]
			);
		}
		if (removed.length) {
			await tx.query(
				`update eav_values v set value_json = (
				   select coalesce(jsonb_agg(item), '[]'::jsonb) from jsonb_array_elements(v.value_json) item
				    where not item <@ r.sources)
				   from (select target, jsonb_agg(to_jsonb(source::text)) as sources
				           from unnest($1::uuid[], $2::uuid[]) as l (target, source) group by target) r
				  where v.space_id = $4 and v.attribute_id = $3 and v.entity_id = r.target`,
				[removed.map((link) => link.target), removed.map((link) => link.source), inverse, space.id]
			);
		}
	}
}

async function readBefore(tx: Tx, spaceId: string, entityIds: string[], attributes: Attribute[]) {
	const before = new Map<string, CellValue>();
	const stored = attributes.filter((attribute) => kindOf(attribute.kind).storage);
	if (!entityIds.length || !stored.length) return before;
	const { rows } = await tx.query(
		`select entity_id, attribute_id, value_text, value_num, value_time, value_bool, value_json from eav_values
		  where space_id = $1 and entity_id = any ($2::uuid[]) and attribute_id = any ($3::uuid[])`,
		[spaceId, entityIds, stored.map((attribute) => attribute.id)]
	);
	for (const row of rows) {
		const attribute = stored.find((candidate) => candidate.id === row.attribute_id)!;
		before.set(`${row.entity_id}:${row.attribute_id}`, readStored(attribute, row));
	}
	return before;
}

interface AuditRow {
	entityId: string;
	attribute?: Attribute;
	action: 'create' | 'update' | 'delete';
	oldValue: unknown;
	newValue: unknown;
}

async function audit(request: WriteRequest, rows: AuditRow[]): Promise<void> {
	if (!rows.length) return;
	const { tx, actor, space, type } = request;
	await tx.query(
		`insert into audit_log (space_id, entity_type_id, entity_id, attribute_id, attribute_key, actor_id, via, action, old_value, new_value)
		 select $1, $2, entity_id, attribute_id, attribute_key, $3, $4, action, old_value, new_value
		   from unnest($5::uuid[], $6::uuid[], $7::text[], $8::text[], $9::jsonb[], $10::jsonb[])
		     as a (entity_id, attribute_id, attribute_key, action, old_value, new_value)`,
		[
			space.id,
			type.id,
			actor.userId,
			actor.via,
			rows.map((row) => row.entityId),
			rows.map((row) => row.attribute?.id ?? null),
			rows.map((row) => row.attribute?.key ?? null),
			rows.map((row) => row.action),
			rows.map((row) => (row.oldValue === undefined ? null : JSON.stringify(row.oldValue))),
			rows.map((row) => (row.newValue === undefined ? null : JSON.stringify(row.newValue)))
		]
	);
}

function valuesOf(record: FlatRecord): Record<string, CellValue> {
	const { id: _id, type: _type, ...values } = record;
	return values;
}

/**
 * Adds the check-in stamps ("at", "by") to the rows that tick or clear the type's check-in box
 * (domain/checkin.ts says what a check-in means); an update needs to know whether its record
 * was checked in already, so a re-tick keeps the first stamp.
 */
async function addCheckinStamps(
	request: WriteRequest,
	createValues: NormalizedValue[][],
	updateValues: { id: string; values: NormalizedValue[] }[]
): Promise<void> {
	const trio = checkinTrio(request.type.attributes);
	if (!trio) return;
	const ticks = (values: NormalizedValue[]) =>
		values.some(({ attribute }) => attribute.key === trio.checkedIn.key);
	const ticked = updateValues.filter((update) => ticks(update.values));
	const wasCheckedIn = new Set<string>();
	if (ticked.length) {
		const { rows } = await request.tx.query<{ entity_id: string }>(
			`select entity_id from eav_values
			  where attribute_id = $1 and entity_id = any ($2::uuid[]) and value_bool`,
			[trio.checkedIn.id, ticked.map((update) => update.id)]
		);
		for (const row of rows) wasCheckedIn.add(row.entity_id);
	}
	const now = new Date();
	const stamp = (values: NormalizedValue[], wasChecked: boolean) => {
		const given = Object.fromEntries(values.map(({ attribute, value }) => [attribute.key, value]));
		const added = checkinStamp(trio, {
			values: given,
			wasCheckedIn: wasChecked,
			actorId: request.actor.userId,
			now
		});
		if (Object.keys(added).length) values.push(...normalizeValues(request, added, undefined));
	};
	for (const values of createValues) if (ticks(values)) stamp(values, false);
	for (const update of ticked) stamp(update.values, wasCheckedIn.has(update.id));
}

export async function writeRecords(request: WriteRequest): Promise<WriteResult> {
	const { tx, actor, space, type } = request;
	const creates = request.creates ?? [];
	const updates = request.updates ?? [];
	const deletes = request.deletes ?? [];
	const isStructural = creates.length > 0 || deletes.length > 0;
	if (isStructural && !canWriteRecords(space.role)) {
		throw new AppError(
			AppErrorCode.Forbidden,
			`Your role (${space.role}) may not add or delete records`
		);
	}
	if (updates.length && space.role === 'viewer') {
		throw new AppError(AppErrorCode.Forbidden, 'Viewers may not change records');
	}

	// Validate everything before touching the database, so a bad row leaves no trace.
	const createValues = creates.map((input, row) => {
		const values = normalizeValues(request, input, creates.length > 1 ? row : undefined);
		requireMissing(type, values, row);
		return values;
	});
	const updateValues = updates.map((update, row) => {
		if (typeof update.id !== 'string' || !isUuid(update.id)) {
			throw new AppError(AppErrorCode.InvalidInput, `"${String(update.id)}" is not a record id`, {
				field: 'id'
			});
		}
		return {
			id: update.id,
			values: normalizeValues(request, update.values, updates.length > 1 ? row : undefined)
		};
	});
	for (const id of deletes) {
		if (typeof id !== 'string' || !isUuid(id)) {
			throw new AppError(AppErrorCode.InvalidInput, `"${String(id)}" is not a record id`, {
				field: 'id'
			});
		}
	}

	const now = new Date().toISOString();
	const changes: RecordChange[] = [];
	const change = (
		entityId: string,
		action: RecordChange['action'],
		values: Record<string, CellValue>
	) =>
		changes.push({
			spaceId: space.id,
			entityTypeId: type.id,
			entityTypeKey: type.key,
			entityId,
			action,
			values,
			actorId: actor.userId,
			via: actor.via,
			at: now
		});

	// Updates: only records of this type in this space; a foreign id is "not found".
	const updateIds = [...new Set(updateValues.map((update) => update.id))];
	if (updateIds.length) {
		const found = await tx.query<{ id: string }>(
			`update entities set updated_at = now(), updated_by = $4
			  where space_id = $1 and entity_type_id = $2 and id = any ($3::uuid[]) returning id`,
			[space.id, type.id, updateIds, actor.userId]
		);
		if (found.rowCount !== updateIds.length) {
			const missing = updateIds.find((id) => !found.rows.some((row) => row.id === id));
			throw new AppError(AppErrorCode.NotFound, `Record ${missing} not found`, { field: 'id' });
		}
	}

	await addCheckinStamps(request, createValues, updateValues);

	const createIds = createValues.map(() => randomUUID());
	if (createIds.length) {
		const seq = await tx.query<{ first: number }>(
			'update entity_types set next_seq = next_seq + $2 where id = $1 returning next_seq - $2 as first',
			[type.id, createIds.length]
		);
		const first = Number(seq.rows[0]!.first);
		await tx.query(
			`insert into entities (id, space_id, entity_type_id, seq, position, created_by, updated_by)
			 select id, $2, $3, seq, seq, $4, $4 from unnest($1::uuid[], $5::bigint[]) as n (id, seq)`,
			[createIds, space.id, type.id, actor.userId, createIds.map((_, index) => first + index)]
		);
	}

	const writes: ValueWrite[] = [
		...createValues.flatMap((values, index) =>
			values.map(({ attribute, value }) => ({ entityId: createIds[index]!, attribute, value }))
		),
		...updateValues.flatMap(({ id, values }) =>
			values.map(({ attribute, value }) => ({ entityId: id, attribute, value }))
		)
	];
	const touchedAttributes = [
		...new Map(writes.map((write) => [write.attribute.id, write.attribute])).values()
	];
	const before = await readBefore(tx, space.id, updateIds, touchedAttributes);

	await checkMembers(tx, space.id, writes);
	await checkUnique(tx, space.id, writes);
	await persistValues(tx, space.id, writes, new Set(createIds));
	await syncRelations(request, writes, before);

	const deleted = deletes.length
		? await loadRecords({ tx, spaceId: space.id, type, ids: [...new Set(deletes)] })
		: [];
	if (deletes.length) {
		if (deleted.length !== new Set(deletes).size) {
			const missing = deletes.find((id) => !deleted.some((record) => record.id === id));
			throw new AppError(AppErrorCode.NotFound, `Record ${missing} not found`, { field: 'id' });
		}
		const relationWrites = type.attributes
			.filter((attribute) => attribute.kind === 'relation')
			.flatMap((attribute) =>
				deleted.map((record) => ({ entityId: record.id, attribute, value: null }))
			);
		const relationBefore = new Map(
			relationWrites.map((write) => [
				`${write.entityId}:${write.attribute.id}`,
				deleted.find((record) => record.id === write.entityId)![write.attribute.key] ?? null
			])
		);
		await syncRelations(request, relationWrites, relationBefore);
		await tx.query(
			'delete from entities where space_id = $1 and entity_type_id = $2 and id = any ($3::uuid[])',
			[space.id, type.id, deleted.map((record) => record.id)]
		);
	}

	const created = await loadRecords({ tx, spaceId: space.id, type, ids: createIds });
	const updated =
		request.returnUpdated === false
			? []
			: await loadRecords({ tx, spaceId: space.id, type, ids: updateIds });

	const auditRows: AuditRow[] = [
		...created.map((record) => ({
			entityId: record.id,
			action: 'create' as const,
			oldValue: null,
			newValue: valuesOf(record)
		})),
		...deleted.map((record) => ({
			entityId: record.id,
			action: 'delete' as const,
			oldValue: valuesOf(record),
			newValue: null
		}))
	];
	for (const { id, values } of updateValues) {
		const changed: Record<string, CellValue> = {};
		for (const { attribute, value } of values) {
			const old = before.get(`${id}:${attribute.id}`) ?? null;
			if (JSON.stringify(old) === JSON.stringify(value)) continue;
			changed[attribute.key] = value;
			auditRows.push({ entityId: id, attribute, action: 'update', oldValue: old, newValue: value });
		}
		if (Object.keys(changed).length) change(id, 'update', changed);
	}
	await audit(request, auditRows);
	if (request.syncDocs !== false) {
		const docUpdates = await syncDocsToValues(
			tx,
			space.id,
			type,
			new Map(changes.map((entry) => [entry.entityId, entry.values]))
		);
		for (const entry of changes) entry.update = docUpdates.get(entry.entityId);
	}

	for (const record of created) change(record.id, 'create', valuesOf(record));
	for (const record of deleted) change(record.id, 'delete', {});
	return { created, updated, deleted, changes };
}
