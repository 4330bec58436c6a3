// The changes the grid and its column menu make to a sheet's view: each takes the view's config
// and returns the next one, which the sheet page keeps (and the view bar can save).
import type { SummaryName } from '$lib/domain/summaries';
import { groupableKinds, MAX_GROUP_LEVELS } from '$lib/domain/view-config';
import type { ViewConfig } from '$lib/domain/views';
import type { ColumnMenuOptions } from './column-actions';
import { moveColumn, placeBeside, type GridColumn } from './fields';

/** A column dragged to a new width. */
export const withWidth = (config: ViewConfig, key: string, width: number): ViewConfig => ({
	...config,
	widths: { ...config.widths, [key]: width }
});

/** A column dragged before `beforeKey` (null: to the end); `order` is every field's key as shown. */
export const withColumnMoved = (
	config: ViewConfig,
	order: string[],
	key: string,
	beforeKey: string | null
): ViewConfig => ({ ...config, order: moveColumn(order, key, beforeKey) });

export const withHidden = (config: ViewConfig, key: string): ViewConfig => ({
	...config,
	hidden: [...(config.hidden ?? []), key]
});

/** Sorts by the field first (its other sort keys kept after it); null takes the field out. */
export function withSortBy(
	config: ViewConfig,
	key: string,
	direction: 'asc' | 'desc' | null
): ViewConfig {
	const rest = (config.sort ?? []).filter((entry) => entry.field !== key);
	return { ...config, sort: direction ? [{ field: key, direction }, ...rest] : rest };
}

/** One more level of groups, inside those there are (Airtable's "Group by this field"). */
export const withGroupLevel = (config: ViewConfig, key: string): ViewConfig => ({
	...config,
	groupBy: [...(config.groupBy ?? []), key]
});

/**
 * A column just inserted beside `neighbour`: in a view with its own column order it goes beside
 * it there too. Views without one (or without the neighbour) come back as they were.
 */
export function withPlacedBeside(
	config: ViewConfig,
	key: string,
	neighbour: string,
	side: 'left' | 'right'
): ViewConfig {
	if (!config.order?.includes(neighbour)) return config;
	return { ...config, order: placeBeside(config.order, key, neighbour, side) };
}

/** The footer's summary for a field; null takes it away. */
export function withSummary(
	config: ViewConfig,
	key: string,
	summary: SummaryName | null
): ViewConfig {
	const { [key]: _dropped, ...rest } = config.summaries ?? {};
	return { ...config, summaries: summary ? { ...rest, [key]: summary } : rest };
}

/** What the column menu offers on a column in this view. */
export const columnMenuOptions = (
	column: Pick<GridColumn, 'key' | 'kind'>,
	config: ViewConfig,
	canManageSchema: boolean
): ColumnMenuOptions => ({
	canManageSchema,
	canGroup:
		groupableKinds.includes(column.kind) &&
		!(config.groupBy ?? []).includes(column.key) &&
		(config.groupBy ?? []).length < MAX_GROUP_LEVELS,
	canDuplicate: column.kind !== 'relation'
});
