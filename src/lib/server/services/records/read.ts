// Assembles flat records ({ id, type, <attribute key>: value }) from entities and eav_values.
import type { Attribute, EntityType, SpaceAccess } from '$lib/domain/schema';
import { kindOf } from '$lib/domain/attributes';
import type { CellValue } from '$lib/domain/attributes/kind';
import type { Tx } from '../../db';

export type FlatRecord = { id: string; type: string } & Record<string, CellValue>;

interface EntityRow {
	id: string;
	seq: number;
	created_at: Date;
	created_by: string | null;
	updated_at: Date;
	updated_by: string | null;
}

interface ValueRow {
	entity_id: string;
	attribute_id: string;
	value_text: string | null;
	value_num: string | null;
	value_time: Date | null;
	value_bool: boolean | null;
	value_json: unknown;
}

export function readStored(attribute: Attribute, row: ValueRow | undefined): CellValue {
	const kind = kindOf(attribute.kind);
	if (!kind.storage) return null;
	// No row is the kind's empty value (null for most, false for a checkbox).
	return kind.fromStorage(row ? row[kind.storage] : null);
}

/** Records in the order of `ids`; ids that are missing (or invisible under RLS) are skipped. */
export async function loadRecords(options: {
	tx: Tx;
	spaceId: string;
	type: EntityType;
	ids: string[];
	/** Attribute keys to include; all when undefined. */
	select?: string[];
}): Promise<FlatRecord[]> {
	const { tx, spaceId, type, ids } = options;
	if (ids.length === 0) return [];
	const attributes = options.select
		? type.attributes.filter((attribute) => options.select!.includes(attribute.key))
		: type.attributes;
	const entities = await tx.query<EntityRow>(
		`select id, seq, created_at, created_by, updated_at, updated_by
		   from entities where space_id = $1 and entity_type_id = $2 and id = any ($3::uuid[])`,
		[spaceId, type.id, ids]
	);
	const stored = attributes.filter((attribute) => kindOf(attribute.kind).storage);
	const values = stored.length
		? await tx.query<ValueRow>(
				`select entity_id, attribute_id, value_text, value_num, value_time, value_bool, value_json
				   from eav_values
				  where space_id = $1 and entity_id = any ($2::uuid[]) and attribute_id = any ($3::uuid[])`,
				[spaceId, ids, stored.map((attribute) => attribute.id)]
			)
		: { rows: [] as ValueRow[] };

	const valuesByEntity = new Map<string, Map<string, ValueRow>>();
	for (const row of values.rows) {
		let byAttribute = valuesByEntity.get(row.entity_id);
		if (!byAttribute) valuesByEntity.set(row.entity_id, (byAttribute = new Map()));
		byAttribute.set(row.attribute_id, row);
	}
	const entityById = new Map(entities.rows.map((row) => [row.id, row]));

	const records: FlatRecord[] = [];
	for (const id of ids) {
		const entity = entityById.get(id);
		if (entity) records.push(assembleRecord(type, attributes, entity, valuesByEntity.get(id)));
	}
	return records;
}

/** One flat record from its entity row and its value rows by attribute id. */
export function assembleRecord(
	type: EntityType,
	attributes: Attribute[],
	entity: EntityRow,
	byAttribute: Map<string, ValueRow> | undefined
): FlatRecord {
	const record: FlatRecord = { id: entity.id, type: type.key };
	for (const attribute of attributes) {
		const kind = kindOf(attribute.kind);
		record[attribute.key] = kind.entityColumn
			? kind.fromStorage(entity[kind.entityColumn])
			: readStored(attribute, byAttribute?.get(attribute.id));
	}
	return record;
}

/**
 * A record by id with its space, the caller's role there and all its values, in one statement
 * (getRecord runs it in one round trip). The values come as JSON; numerics as text, to keep
 * their exactness.
 */
export const readRecordStatement = {
	name: 'app_read_record',
	types: ['uuid'],
	text: `select s.id as space_id, s.slug, s.name, m.role, s.schema_version::int as schema_version,
	              s.locale, s.week_start,
	              e.entity_type_id, e.id, e.seq, e.created_at, e.created_by, e.updated_at, e.updated_by,
	              (select coalesce(json_agg(json_build_object(
	                        'attribute_id', v.attribute_id, 'value_text', v.value_text,
	                        'value_num', v.value_num::text, 'value_time', v.value_time,
	                        'value_bool', v.value_bool, 'value_json', v.value_json)), '[]')
	                 from eav_values v
	                where v.space_id = e.space_id and v.entity_id = e.id) as values
	         from entities e
	         join spaces s on s.id = e.space_id
	         join app_memberships() m on m.space_id = s.id
	        where e.id = $1`
};

export interface RecordRow extends EntityRow {
	space_id: string;
	slug: string;
	name: string;
	role: SpaceAccess['role'];
	schema_version: number;
	locale: SpaceAccess['locale'];
	week_start: SpaceAccess['weekStart'];
	entity_type_id: string;
	values: (Omit<ValueRow, 'entity_id' | 'value_time'> & { value_time: string | null })[];
}

/** The value rows of a RecordRow by attribute id, with times as Dates as pg gives them. */
export function recordRowValues(row: RecordRow): Map<string, ValueRow> {
	return new Map(
		row.values.map((value) => [
			value.attribute_id,
			{
				...value,
				entity_id: row.id,
				value_time: value.value_time === null ? null : new Date(value.value_time)
			}
		])
	);
}

/** Where a record lives: its space and entity type, when the caller can see it (RLS). */
export async function readRecordHome(
	tx: Tx,
	id: string
): Promise<{ spaceId: string; entityTypeId: string } | undefined> {
	const { rows } = await tx.query<{ spaceId: string; entityTypeId: string }>(
		'select space_id as "spaceId", entity_type_id as "entityTypeId" from entities where id = $1',
		[id]
	);
	return rows[0];
}
