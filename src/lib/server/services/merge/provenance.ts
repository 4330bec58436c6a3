// Where each value of a record came from, read from the audit log: the newest row per field
// (one index probe each, on audit_log_entity_field_idx), else the row that created the record.
import { kindOf } from '$lib/domain/attributes';
import type { RecordProvenance, ValueProvenance } from '$lib/domain/merge/merge';
import type { EntityType } from '$lib/domain/schema';
import type { Tx } from '../../db';
import { readMerges } from './read-merges';

interface OriginRow {
	entity_id: string;
	key: string;
	at: Date;
	via: ValueProvenance['via'];
	actor_id: string | null;
	actor_name: string | null;
	import_id: string | null;
	merge_id: string | null;
}

/**
 * Per record and stored field, who last set its value and how, in one query for all of
 * `entityIds`. A field set when the record was made has no update row; its origin is the
 * create row, when the create gave it a value.
 */
export async function readOrigins(
	tx: Tx,
	spaceId: string,
	type: EntityType,
	entityIds: string[]
): Promise<Map<string, ValueProvenance[]>> {
	// Computed kinds (numbers, created/updated stamps) come from the record itself, not an edit.
	const keys = type.attributes
		.filter((attribute) => kindOf(attribute.kind).storage)
		.map((attribute) => attribute.key);
	const { rows } = await tx.query<OriginRow>(
		`select e.id as entity_id, k.key, a.at, a.via, a.actor_id, u.name as actor_name,
		        (case when a.via = 'import' then (
		           select i.id from import_records r join imports i on i.id = r.import_id
		            where r.space_id = $1 and r.entity_id = e.id and i.created_at <= a.at
		            order by i.created_at desc limit 1) end) as import_id,
		        (case when a.via = 'merge' then (
		           select m.id from record_merges m
		            where m.space_id = $1 and m.survivor_id = e.id and m.merged_at <= a.at
		            order by m.merged_at desc limit 1) end) as merge_id
		   from unnest($2::uuid[]) as e (id)
		  cross join unnest($3::text[]) as k (key)
		  cross join lateral (
		    select * from (
		      (select l.at, l.via, l.actor_id, l.id from audit_log l
		        where l.entity_id = e.id and l.attribute_key = k.key and l.space_id = $1
		          and l.action = 'update'
		        order by l.id desc limit 1)
		      union all
		      (select l.at, l.via, l.actor_id, l.id from audit_log l
		        where l.entity_id = e.id and l.attribute_key is null and l.space_id = $1
		          and l.action = 'create'
		          and coalesce(l.new_value -> k.key, 'null') not in ('null', '[]', '""')
		        order by l.id desc limit 1)
		    ) newest order by newest.id desc limit 1
		  ) a
		  left join users u on u.id = a.actor_id`,
		[spaceId, entityIds, keys]
	);
	const byEntity = new Map<string, ValueProvenance[]>(entityIds.map((id) => [id, []]));
	for (const row of rows) {
		byEntity.get(row.entity_id)!.push({
			key: row.key,
			at: row.at.toISOString(),
			via: row.via,
			actorId: row.actor_id,
			actorName: row.actor_id ? (row.actor_name ?? 'Former member') : null,
			importId: row.import_id,
			mergeId: row.merge_id
		});
	}
	return byEntity;
}

export async function readProvenance(
	tx: Tx,
	spaceId: string,
	type: EntityType,
	entityId: string
): Promise<RecordProvenance> {
	const origins = await readOrigins(tx, spaceId, type, [entityId]);
	const merges = await readMerges(tx, spaceId, entityId);
	return { fields: origins.get(entityId) ?? [], merges };
}
