// The schema of a space as the caller may see it: for the OpenAPI document and the UI.
import type { Actor } from '../auth/actor';
import type { AppContext } from '../context';
import { inSpace } from './scope';

export function readSchema(options: { context: AppContext; actor: Actor; space: string }) {
	return inSpace(options.context, options.actor, options.space, async ({ space, types }) => ({
		space,
		types
	}));
}

export interface TypeOverview {
	key: string;
	name: string;
	fieldCount: number;
	recordCount: number;
}

/** Each type of a space with its field and record counts, for the workspace overview. */
export function readSpaceOverview(options: { context: AppContext; actor: Actor; space: string }) {
	return inSpace(options.context, options.actor, options.space, async ({ tx, space, types }) => {
		const { rows } = await tx.query<{ entity_type_id: string; count: number }>(
			`select entity_type_id, count(*)::int as count from entities where space_id = $1 group by entity_type_id`,
			[space.id]
		);
		const counts = new Map(rows.map((row) => [row.entity_type_id, row.count]));
		const overview: TypeOverview[] = types.map((type) => ({
			key: type.key,
			name: type.name,
			fieldCount: type.attributes.length,
			recordCount: counts.get(type.id) ?? 0
		}));
		return { space, types: overview };
	});
}
