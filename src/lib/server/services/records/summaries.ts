// Column summaries of a view: the grid footer's figures, computed in the database over every
// record the view's filter and search let through, in the caller's RLS transaction.
import { kindOf } from '$lib/domain/attributes';
import type { CellValue } from '$lib/domain/attributes/kind';
import { AppError, AppErrorCode } from '$lib/domain/errors';
import type { SummaryName, SummaryResult } from '$lib/domain/summaries';
import { viewConfigSchema } from '$lib/domain/view-config';
import { compileSummaries } from '../../query/summaries';
import { findAttribute, findEntityType } from '../schema';
import { inSpace } from '../scope';
import { parseInput } from '../validate';
import type { Actor } from '../../auth/actor';
import type { AppContext } from '../../context';

/** At most this many summaries in one request: one per visible field is plenty. */
const MAX_SUMMARIES = 100;

export interface ViewSummaries {
	total: number;
	summaries: Record<string, SummaryResult>;
}

/**
 * `input`: `{ filter?, search?, summaries: { <field key>: <summary> } }`, checked as a saved
 * view's config is (the same filter grammar and summary names), so a bad one is a 400 naming
 * the place.
 */
export function summarizeView(options: {
	context: AppContext;
	actor: Actor;
	space: string;
	type: string;
	input: unknown;
}): Promise<ViewSummaries> {
	const { context, actor } = options;
	return inSpace(context, actor, options.space, async ({ tx, space, types }) => {
		const type = findEntityType(types, options.type);
		const schema = viewConfigSchema(type).pick({ filter: true, search: true, summaries: true });
		const input = parseInput(schema, options.input);
		const entries = Object.entries(input.summaries ?? {});
		if (entries.length > MAX_SUMMARIES) {
			throw new AppError(
				AppErrorCode.InvalidInput,
				`summaries: at most ${MAX_SUMMARIES} in one request`,
				{ field: 'summaries' }
			);
		}
		const requests = entries.map(([key, summary]) => ({
			attribute: findAttribute(type, key),
			summary: summary as SummaryName
		}));
		const compiled = compileSummaries({
			spaceId: space.id,
			type,
			query: { filter: input.filter ?? undefined, search: input.search },
			searchAttributeIds: type.attributes
				.filter((attribute) => kindOf(attribute.kind).isSearchable)
				.map((attribute) => attribute.id),
			requests
		});
		const { rows } = await tx.query<Record<string, unknown>>(compiled.sql, compiled.params);
		const row = rows[0]!;
		const total = row.total as number;
		const summaries: Record<string, SummaryResult> = {};
		requests.forEach(({ attribute, summary }, index) => {
			const raw = row[`s${index}`];
			summaries[attribute.key] = resultOf(summary, raw, total, (value) =>
				kindOf(attribute.kind).fromStorage(value)
			);
		});
		return { total, summaries };
	});
}

function resultOf(
	summary: SummaryName,
	raw: unknown,
	total: number,
	fromStorage: (raw: unknown) => CellValue
): SummaryResult {
	const count = (value: number) => ({ type: 'count' as const, count: value, of: total });
	switch (summary) {
		case 'count':
			return count(total);
		case 'filled':
		case 'unique':
		case 'checked':
			return count(Number(raw ?? 0));
		case 'empty':
			return count(total - Number(raw ?? 0));
		case 'unchecked':
			return count(total - Number(raw ?? 0));
		case 'percent_filled':
			return { type: 'percent', percent: total ? (Number(raw ?? 0) / total) * 100 : null };
		case 'sum':
			return { type: 'value', value: Number(raw ?? 0) };
		case 'average':
			// numeric arrives as text; an average keeps its decimals, whatever the field's precision.
			return { type: 'value', value: raw === null || raw === undefined ? null : Number(raw) };
		default:
			return { type: 'value', value: raw === null || raw === undefined ? null : fromStorage(raw) };
	}
}
