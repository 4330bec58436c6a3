// Schema changes are audited like value changes: who, when, via what, before and after.
import type { SpaceScope } from './scope';

export async function auditSchema(
	scope: SpaceScope,
	entry: {
		entityTypeId?: string | null;
		attributeId?: string | null;
		attributeKey?: string;
		action: string;
		oldValue?: unknown;
		newValue?: unknown;
	}
): Promise<void> {
	await scope.tx.query(
		`insert into audit_log (space_id, entity_type_id, attribute_id, attribute_key, actor_id, via, action, old_value, new_value)
		 values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		[
			scope.space.id,
			entry.entityTypeId ?? null,
			entry.attributeId ?? null,
			entry.attributeKey ?? null,
			scope.actor.userId,
			scope.actor.via,
			entry.action,
			entry.oldValue === undefined ? null : JSON.stringify(entry.oldValue),
			entry.newValue === undefined ? null : JSON.stringify(entry.newValue)
		]
	);
}
