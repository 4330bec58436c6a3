// Creating and deleting a sheet's records over its REST collection, in chunks the API takes in
// one request. Failures come back as the sentence the page shows.
import type { CellValue } from '$lib/domain/attributes/kind';
import { problemOf, type GridRow } from './row-store.svelte';

const CREATE_CHUNK = 1000;
const DELETE_CHUNK = 500;

/**
 * Creates records, a chunk per request, stopping at the first failure. Returns the rows created
 * (those of the chunks that went through) and the failure, if any.
 */
export async function createRecords(
	collection: string,
	values: Record<string, CellValue>[]
): Promise<{ created: GridRow[]; problem: string | null }> {
	const created: GridRow[] = [];
	for (let start = 0; start < values.length; start += CREATE_CHUNK) {
		let response: Response;
		try {
			response = await fetch(collection, {
				method: 'POST',
				headers: { 'content-type': 'application/json', prefer: 'return=representation' },
				body: JSON.stringify(values.slice(start, start + CREATE_CHUNK))
			});
		} catch {
			return { created, problem: 'The rows were not added: the server is not reachable.' };
		}
		if (!response.ok) {
			const problem = await problemOf(response);
			return { created, problem: `The rows were not added: ${problem.message}` };
		}
		created.push(...((await response.json()) as GridRow[]));
	}
	return { created, problem: null };
}

/**
 * Deletes records, a chunk per request; `onDeleted` hears each chunk that went through. Throws
 * an Error with the sentence to show when one does not.
 */
export async function deleteRecords(
	collection: string,
	ids: string[],
	onDeleted: (ids: string[]) => void
): Promise<void> {
	for (let start = 0; start < ids.length; start += DELETE_CHUNK) {
		const chunk = ids.slice(start, start + DELETE_CHUNK);
		let response: Response;
		try {
			response = await fetch(`${collection}?id=in.(${chunk.join(',')})`, { method: 'DELETE' });
		} catch {
			throw new Error('The server is not reachable. Check your connection and try again.');
		}
		if (!response.ok) throw new Error((await problemOf(response)).message);
		onDeleted(chunk);
	}
}
