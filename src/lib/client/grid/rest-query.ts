// The grid's page requests: a view (filter, sort, search, via the view bar's own translation in
// $lib/domain/view-query) plus an offset window, and the count PostgREST sends back.
import { viewQueryParams } from '$lib/domain/view-query';
import type { ViewConfig } from '$lib/domain/views';

/** The collection URL for a window of a view's rows. */
export function pageUrl(
	base: string,
	config: ViewConfig,
	window: { offset: number; limit: number }
): string {
	const params = viewQueryParams(config, {
		limit: window.limit,
		offset: window.offset > 0 ? window.offset : undefined
	});
	return `${base}?${params}`;
}

/** The total from a `Content-Range` header (`0-99/4321`, `*\/0`); null when not counted. */
export function totalFromContentRange(header: string | null): number | null {
	const total = header?.split('/')[1];
	if (total === undefined || total === '*') return null;
	const count = Number(total);
	return Number.isSafeInteger(count) ? count : null;
}
