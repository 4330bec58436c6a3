// The query of a sheet's export (GET .../types/<type>/export?format=...&view=...), for the menu.
import type { SavedView } from '$lib/domain/views';

export type ExportFormat = 'csv' | 'xlsx';

export function exportQuery(options: {
	format: ExportFormat;
	view?: Pick<SavedView, 'id'> | null;
}): string {
	const params = new URLSearchParams({ format: options.format });
	if (options.view) params.set('view', options.view.id);
	return params.toString();
}
