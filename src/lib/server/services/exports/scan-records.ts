// Every record a query matches, in the query's order, a chunk at a time through a server-side
// cursor: an export holds one chunk in memory whatever the sheet's size, and the statements
// are the ones the grid's pages run (compilePage), so the export has the grid's filter, search
// and sort, including its two-phase walk of a sort index.
import { kindOf } from '$lib/domain/attributes';
import { MAX_PAGE_SIZE, type RecordQuery } from '$lib/domain/query/ast';
import type { Tx } from '../../db';
import { compilePage } from '../../query/compile';
import { loadRecords, type FlatRecord } from '../records/read';
import type { EntityTypeDef } from '../schema';

/** Records per FETCH: big enough that round trips do not dominate, small enough to stay flat. */
export const EXPORT_CHUNK_ROWS = 2000;

/**
 * A page statement without its row limit. compilePage always ends a statement with
 * `limit $n` (the page size); LIMIT NULL is no limit, so the statement itself is unchanged.
 */
function withoutLimit(phase: { sql: string; params: unknown[] }) {
	const match = / limit \$(\d+)$/.exec(phase.sql);
	if (!match) throw new Error('scanRecords: a page statement has no trailing limit');
	const params = [...phase.params];
	params[Number(match[1]) - 1] = null;
	return { sql: phase.sql, params };
}

export async function* scanRecords(options: {
	tx: Tx;
	spaceId: string;
	type: EntityTypeDef;
	query: Pick<RecordQuery, 'filter' | 'sort' | 'search'>;
	/** Attribute keys to load. */
	select: string[];
	chunkRows?: number;
}): AsyncGenerator<FlatRecord[]> {
	const { tx, spaceId, type, select } = options;
	const chunkRows = options.chunkRows ?? EXPORT_CHUNK_ROWS;
	const searchAttributeIds = type.attributes
		.filter((attribute) => kindOf(attribute.kind).isSearchable)
		.map((attribute) => attribute.id);
	const page = compilePage({
		spaceId,
		type,
		query: { ...options.query, limit: MAX_PAGE_SIZE },
		searchAttributeIds
	});
	for (const [index, phase] of page.phases.entries()) {
		const statement = withoutLimit(phase);
		const cursor = `export_scan_${index}`;
		await tx.query(`declare ${cursor} no scroll cursor for ${statement.sql}`, statement.params);
		for (;;) {
			const { rows } = await tx.query<{ id: string }>(`fetch forward ${chunkRows} from ${cursor}`);
			if (rows.length > 0) {
				yield await loadRecords({ tx, spaceId, type, ids: rows.map((row) => row.id), select });
			}
			if (rows.length < chunkRows) break;
		}
		await tx.query(`close ${cursor}`);
	}
}
