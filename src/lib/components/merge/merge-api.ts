// The merge page's two writes: merge the records, and undo that merge.
import { apiRequest } from '$lib/components/fields/api';
import type { CellValue } from '$lib/domain/attributes/kind';
import type { MergeResult, MergeSummary } from '$lib/domain/merge/merge';

const spacePath = (space: string) => `/api/spaces/${encodeURIComponent(space)}`;

export const mergeApi = {
	merge: (
		space: string,
		type: string,
		body: { survivorId: string; mergedIds: string[]; values: Record<string, CellValue> }
	) =>
		apiRequest<MergeResult>(`${spacePath(space)}/types/${encodeURIComponent(type)}/merges`, {
			method: 'POST',
			body
		}),
	undo: (space: string, mergeId: string) =>
		apiRequest<{ merge: MergeSummary }>(`${spacePath(space)}/merges/${mergeId}/undo`, {
			method: 'POST'
		})
};
