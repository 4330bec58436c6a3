// What comments, follows and the inbox ask before they touch a record: that the caller's role
// reads whole records (check-in staff do not), and that the record is there for them to see.
import { AppError, AppErrorCode } from '$lib/domain/errors';
import { isUuid } from '$lib/domain/ids';
import { canReadAll } from '$lib/domain/roles';
import type { SpaceScope } from './scope';

/** Refuses a role that reads only the desk's fields; `what` says what it may not use. */
export function requireReader(scope: SpaceScope, what: string): void {
	if (!canReadAll(scope.space.role)) {
		throw new AppError(AppErrorCode.Forbidden, `Your role (${scope.space.role}) may not ${what}`);
	}
}

/** The record's type id; a record that is not there (or not the caller's to see) is a 404. */
export async function requireRecord(scope: SpaceScope, id: string): Promise<string> {
	const notFound = new AppError(AppErrorCode.NotFound, `Record ${id} not found`, { field: 'id' });
	if (!isUuid(id)) throw notFound;
	const { rows } = await scope.tx.query<{ entity_type_id: string }>(
		'select entity_type_id from entities where space_id = $1 and id = $2',
		[scope.space.id, id]
	);
	if (!rows[0]) throw notFound;
	return rows[0].entity_type_id;
}
